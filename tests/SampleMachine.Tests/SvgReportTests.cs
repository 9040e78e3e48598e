using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using SampleMachine.Migration;

namespace SampleMachine.Tests;

/// <summary>The --report chart: a plot with axes, ticks, both scales, markers, the downtime budget, and its parameters.</summary>
public sealed class SvgReportTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static MigrationStats ThreePasses() => new()
    {
        Completed = true,
        Iterations = 3,
        Downtime = TimeSpan.FromMilliseconds(82),
        DowntimeLimit = TimeSpan.FromMilliseconds(300),
        TotalTime = TimeSpan.FromMilliseconds(6315),
        Transferred = 646L << 20,
        RamBytes = 256L << 20,
        Parameters = new MigrationParameters { Bandwidth = 100L << 20, DowntimeLimitMs = 300, MaxIterations = 30 },
        History =
        [
            new IterationRecord(0, 256L << 20, 0, 0, 0, TimeSpan.FromMilliseconds(5), 0),
            new IterationRecord(1, 140L << 20, 14_000, 100 << 20, 0, TimeSpan.FromMilliseconds(2600), 260L << 20),
            new IterationRecord(2, 60L << 20, 17_000, 100 << 20, 0, TimeSpan.FromMilliseconds(4900), 400L << 20),
            new IterationRecord(3, 20L << 20, 19_000, 100 << 20, 0, TimeSpan.FromMilliseconds(6230), 640L << 20),
        ],
    };

    private static IEnumerable<string> Texts(XDocument doc) => doc.Descendants(Svg + "text").Select(t => t.Value);

    [Fact]
    public void The_chart_has_labelled_axes_with_ticks_on_two_scales_and_the_runs_parameters()
    {
        XDocument doc = XDocument.Parse(SvgReport.Render(ThreePasses()));
        string[] texts = [.. Texts(doc)];

        Assert.Contains("time since the migration started (s)", texts);
        Assert.Contains("remaining (MiB)", texts);
        Assert.Contains("dirty rate (pages/s)", texts);

        // Time ticks 0..7 s, remaining 0..300 MiB in 50s or 100s, dirty rate up to 20,000.
        Assert.Contains("0", texts);
        Assert.Contains("6", texts);
        Assert.Contains("200", texts);
        Assert.Contains("20,000", texts);
        Assert.Contains(texts, t => t.Contains("256.0 MiB guest", StringComparison.Ordinal)
            && t.Contains("bandwidth limit 100.0 MiB/s", StringComparison.Ordinal)
            && t.Contains("downtime limit 300 ms", StringComparison.Ordinal));
        Assert.Contains("downtime 82 ms (limit 300 ms)", texts);
    }

    [Fact]
    public void Every_pass_has_a_marker_and_a_step_of_its_dirty_rate_and_threshold()
    {
        XDocument doc = XDocument.Parse(SvgReport.Render(ThreePasses()));

        // start + three passes on the remaining line; a square per pass for the dirty rate.
        Assert.Equal(4, doc.Descendants(Svg + "circle").Count());
        Assert.Equal(["start", "pass 1", "pass 2", "pass 3"], Texts(doc).Where(t => t == "start" || t.StartsWith("pass ", StringComparison.Ordinal)));
        Assert.Equal(3, doc.Descendants(Svg + "rect").Count(r => (string?)r.Attribute("width") == "8"));
        Assert.Equal(3 + 1, doc.Descendants(Svg + "line").Count(l => (string?)l.Attribute("stroke-dasharray") == "6 4"));
    }

    [Fact]
    public void A_one_pass_migration_still_draws_a_line_from_its_start()
    {
        var stats = new MigrationStats
        {
            Completed = true,
            Iterations = 1,
            TotalTime = TimeSpan.FromMilliseconds(78),
            Downtime = TimeSpan.FromMilliseconds(38),
            History =
            [
                new IterationRecord(0, 256L << 20, 0, 0, 0, TimeSpan.FromMilliseconds(8), 0),
                new IterationRecord(1, 0, 0, 10L << 30, 0, TimeSpan.FromMilliseconds(37), 1 << 20),
            ],
        };

        XDocument doc = XDocument.Parse(SvgReport.Render(stats));
        string points = (string)doc.Descendants(Svg + "polyline").Single().Attribute("points")!;
        Assert.Equal(2, points.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void A_run_that_gave_up_shows_no_downtime_band()
    {
        MigrationStats stats = ThreePasses() with { Completed = false, FailureReason = "did not converge" };
        XDocument doc = XDocument.Parse(SvgReport.Render(stats));
        Assert.DoesNotContain(Texts(doc), t => t.StartsWith("downtime ", StringComparison.Ordinal));
        Assert.DoesNotContain(doc.Descendants(Svg + "rect"), r => (string?)r.Attribute("fill-opacity") == "0.35" && (string?)r.Attribute("height") != "12");
    }

    [RsvgFact]
    public void Rendered_to_png_the_chart_shows_both_series_and_the_downtime_band()
    {
        Assert.True(RsvgFactAttribute.Tool is not null, "CI=true and rsvg-convert is not installed (fix the install in .ci/run: librsvg2-bin)");
        string dir = Directory.CreateTempSubdirectory("vmstate-svg").FullName;
        try
        {
            string svg = Path.Combine(dir, "report.svg");
            string png = Path.Combine(dir, "report.png");
            File.WriteAllText(svg, SvgReport.Render(ThreePasses()));
            using (Process p = Process.Start(new ProcessStartInfo(RsvgFactAttribute.Tool!, ["-o", png, svg]) { RedirectStandardError = true })!)
            {
                string error = p.StandardError.ReadToEnd();
                p.WaitForExit();
                Assert.True(p.ExitCode == 0, error);
            }

            (int width, int height, int channels, byte[] rgba) = Png.Decode(File.ReadAllBytes(png));
            Assert.Equal((880, 500), (width, height));
            Assert.True(Count(rgba, channels, 0x1f, 0x77, 0xb4) > 500, "the remaining-bytes line is missing");
            Assert.True(Count(rgba, channels, 0xd6, 0x27, 0x28) > 300, "the dirty-rate steps are missing");
            Assert.True(Count(rgba, channels, 0x2c, 0xa0, 0x2c) > 100, "the threshold line is missing");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int Count(byte[] rgba, int channels, byte r, byte g, byte b)
    {
        int n = 0;
        for (int i = 0; i + 2 < rgba.Length; i += channels)
        {
            if (Math.Abs(rgba[i] - r) < 8 && Math.Abs(rgba[i + 1] - g) < 8 && Math.Abs(rgba[i + 2] - b) < 8)
            {
                n++;
            }
        }

        return n;
    }

    // Just enough of PNG for rsvg-convert's output: 8-bit RGB or RGBA, not interlaced.
    private static class Png
    {
        public static (int Width, int Height, int Channels, byte[] Pixels) Decode(byte[] file)
        {
            int at = 8;
            int width = 0;
            int height = 0;
            int channels = 0;
            using var idat = new MemoryStream();
            while (at < file.Length)
            {
                int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
                string type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
                ReadOnlySpan<byte> data = file.AsSpan(at + 8, length);
                if (type == "IHDR")
                {
                    width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data);
                    height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    Assert.Equal((8, 0), (data[8], data[12]));
                    channels = data[9] switch { 2 => 3, 6 => 4, _ => throw new InvalidDataException($"PNG colour type {data[9]}") };
                }
                else if (type == "IDAT")
                {
                    idat.Write(data);
                }

                at += 12 + length;
            }

            idat.Position = 0;
            using var inflated = new MemoryStream();
            using (var z = new ZLibStream(idat, CompressionMode.Decompress))
            {
                z.CopyTo(inflated);
            }

            byte[] raw = inflated.ToArray();
            int stride = width * channels;
            byte[] rgba = new byte[stride * height];
            for (int y = 0; y < height; y++)
            {
                byte filter = raw[y * (stride + 1)];
                for (int x = 0; x < stride; x++)
                {
                    int a = x >= channels ? rgba[(y * stride) + x - channels] : 0;
                    int b = y > 0 ? rgba[((y - 1) * stride) + x] : 0;
                    int c = x >= channels && y > 0 ? rgba[((y - 1) * stride) + x - channels] : 0;
                    int v = raw[(y * (stride + 1)) + 1 + x];
                    rgba[(y * stride) + x] = (byte)(filter switch
                    {
                        0 => v,
                        1 => v + a,
                        2 => v + b,
                        3 => v + ((a + b) / 2),
                        _ => v + Paeth(a, b, c),
                    });
                }
            }

            return (width, height, channels, rgba);
        }

        private static int Paeth(int a, int b, int c)
        {
            int p = a + b - c;
            int pa = Math.Abs(p - a);
            int pb = Math.Abs(p - b);
            int pc = Math.Abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
    }
}

/// <summary>A fact that needs <c>rsvg-convert</c> (Debian's librsvg2-bin): skipped without it, except under CI.</summary>
public sealed class RsvgFactAttribute : FactAttribute
{
    /// <summary>The tool's path on PATH, or null.</summary>
    public static string? Tool { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, "rsvg-convert"))
        .FirstOrDefault(File.Exists);

    public RsvgFactAttribute()
    {
        if (Tool is null && !QemuEnvironment.IsCi)
        {
            Skip = "rsvg-convert is not installed (apt-get install librsvg2-bin)";
        }
    }
}
