using VmState.Wire;

namespace VmState.Runtime.Tests.Wire;

/// <summary>
/// The annotating filters of <see cref="VmStateException"/>: used as <c>when (e.InSection(...))</c> they name where
/// the error happened, innermost first, and never catch it.
/// </summary>
public sealed class ExceptionFilterTests
{
    [Fact]
    public void The_filters_annotate_innermost_first_and_catch_nothing()
    {
        bool caughtInside = false;
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() =>
        {
            try
            {
                try
                {
                    try
                    {
                        try
                        {
                            VmStateThrow.LoadFailed("Broken", 12);
                        }
                        catch (VmStateException x) when (x.InField("b", 3))
                        {
                            caughtInside = true;
                        }
                    }
                    catch (VmStateException x) when (x.InSubsection("sub") || x.InField("a", -1))
                    {
                        caughtInside = true;
                    }
                }
                catch (VmStateException x) when (x.InDescription("inner") || x.InDescription("outer"))
                {
                    caughtInside = true;
                }
            }
            catch (VmStateException x) when (x.InSection("dev") || x.InSection("other"))
            {
                caughtInside = true;
            }
        });

        Assert.False(caughtInside);
        Assert.Equal("dev", e.Section);
        Assert.Equal("inner", e.Description);
        Assert.Equal("a.sub/b[3]", e.FieldPath);
        Assert.Equal("Broken in section 'dev' at inner/a.sub/b[3] (stream offset 12)", e.Message);
    }

    [Fact]
    public void An_error_passing_a_filter_keeps_the_frame_it_was_thrown_in()
    {
        VmStateLoadException e = Assert.Throws<VmStateLoadException>(() =>
        {
            try
            {
                ThrowDeep();
            }
            catch (VmStateException x) when (x.InSection("s"))
            {
            }
        });

        Assert.Contains(nameof(ThrowDeep), e.StackTrace, StringComparison.Ordinal);
        Assert.Equal("s", e.Section);
    }

    private static void ThrowDeep() => VmStateThrow.LoadFailed("Deep", 0);
}
