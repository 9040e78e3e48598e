using System.Diagnostics;
using System.Text;

namespace SampleMachine.Tests;

/// <summary>
/// A QEMU process driven through its human monitor on stdio. Commands wait for what they expect in the output
/// (polling), not for fixed delays, so a slow machine only makes the test slower, never wrong.
/// </summary>
internal sealed class QemuMonitor : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _errors = new();

    public QemuMonitor(string qemu, params string[] args)
    {
        var start = new ProcessStartInfo(qemu)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.ArgumentList.Add("-monitor");
        start.ArgumentList.Add("stdio");
        _process = Process.Start(start)!;

        // Raw characters, not lines: the monitor's "(qemu) " prompt has no newline after it.
        _ = Pump(_process.StandardOutput, _output);
        _ = Pump(_process.StandardError, _errors);
    }

    public string Output => Snapshot(_output);

    public string Errors => Snapshot(_errors);

    /// <summary>Sends <paramref name="command"/> and returns the output it produced.</summary>
    public async Task<string> Send(string command)
    {
        // The monitor prints a "(qemu)" prompt when it is ready and again once a command has finished.
        await Until(() => Output.EndsWith("(qemu) ", StringComparison.Ordinal), "the prompt");
        int before = Output.Length;
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        await Until(() => Output.IndexOf("(qemu)", before, StringComparison.Ordinal) >= 0, command);
        return Output[before..];
    }

    /// <summary>Repeats <paramref name="command"/> until its output contains <paramref name="expected"/>.</summary>
    public async Task<string> SendUntil(string command, string expected)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string text = await Send(command);
            if (text.Contains(expected, StringComparison.Ordinal))
            {
                return text;
            }

            if (clock.Elapsed > Patience || _process.HasExited)
            {
                throw new TimeoutException($"'{command}' never showed '{expected}'; last output: {text}; stderr: {Errors}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Waits for QEMU to exit by itself (a failed incoming migration ends it).</summary>
    public async Task WaitForExit() => await _process.WaitForExitAsync().WaitAsync(Patience);

    public async Task Quit()
    {
        await _process.StandardInput.WriteLineAsync("quit");
        await _process.StandardInput.FlushAsync();
        await _process.WaitForExitAsync().WaitAsync(Patience);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private async Task Until(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience || _process.HasExited)
            {
                throw new TimeoutException($"QEMU did not answer '{what}'; output: {Output}; stderr: {Errors}");
            }

            await Task.Delay(50);
        }
    }

    private static async Task Pump(StreamReader reader, StringBuilder sb)
    {
        char[] buffer = new char[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer)) > 0)
        {
            lock (sb)
            {
                sb.Append(buffer, 0, n);
            }
        }
    }

    private static string Snapshot(StringBuilder sb)
    {
        lock (sb)
        {
            return sb.ToString();
        }
    }
}
