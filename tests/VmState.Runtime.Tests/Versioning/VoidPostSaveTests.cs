using VmState.Description;

namespace VmState.Runtime.Tests.Versioning;

/// <summary>A void post-save hook compiles (it once did not: see VersionDevices.cs) and runs after every save.</summary>
public sealed class VoidPostSaveTests
{
    [Fact]
    public void Void_post_save_hook_runs_after_every_save()
    {
        var dev = new VoidPostSave { A = 1 };
        Assert.Equal(new byte[] { 1 }, VmStateSerializer.Save(dev));
        Assert.Equal(1, dev.Calls);
        VmStateSerializer.Save(dev);
        Assert.Equal(2, dev.Calls);
    }
}
