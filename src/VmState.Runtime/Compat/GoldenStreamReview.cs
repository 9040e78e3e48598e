using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using VmState.Analysis;

namespace VmState.Compat;

/// <summary>
/// The values of a golden stream as its JSON file shows them to a reviewer: the decoded tree, with long runs of
/// equal array elements written once (<c>"0x00000000 (8 times)"</c>) and long byte buffers as their first bytes, length
/// and hash. Only a reviewer reads it; the check decodes the stream itself.
/// </summary>
internal static class GoldenStreamReview
{
    private const int MinimumRun = 4;
    private const int ShownBufferBytes = 32;

    public static AnalysisNode Shorten(AnalysisNode node) => node switch
    {
        AnalysisObject o => ShortenObject(o),
        AnalysisList list => ShortenList(list),
        AnalysisString s => ShortenBuffer(s),
        _ => node,
    };

    private static AnalysisObject ShortenObject(AnalysisObject o)
    {
        var copy = new AnalysisObject();
        foreach ((string key, AnalysisNode value) in o.Members)
        {
            copy.Set(key, Shorten(value));
        }

        return copy;
    }

    private static AnalysisList ShortenList(AnalysisList list)
    {
        var items = new List<AnalysisNode>();
        for (int i = 0; i < list.Items.Count;)
        {
            int run = 1;
            if (list.Items[i] is AnalysisString first)
            {
                while (i + run < list.Items.Count && list.Items[i + run] is AnalysisString next && next.Value == first.Value)
                {
                    run++;
                }
            }

            if (run >= MinimumRun)
            {
                items.Add(new AnalysisString(((AnalysisString)list.Items[i]).Value + " (" + run.ToString(CultureInfo.InvariantCulture) + " times)"));
            }
            else
            {
                for (int k = 0; k < run; k++)
                {
                    items.Add(Shorten(list.Items[i + k]));
                }
            }

            i += run;
        }

        return new AnalysisList(items);
    }

    // Buffers decode as "00 1f ..." (integers as "0x..."); a long one is shown by its start, length and hash.
    private static AnalysisString ShortenBuffer(AnalysisString s)
    {
        int bytes = (s.Value.Length + 1) / 3;
        if (bytes <= ShownBufferBytes * 2 || s.Value.StartsWith("0x", StringComparison.Ordinal))
        {
            return s;
        }

        string[] hex = s.Value.Split(' ');
        if (hex.All(h => h == "00"))
        {
            return new AnalysisString(bytes.ToString(CultureInfo.InvariantCulture) + " zero bytes");
        }

        byte[] raw = Convert.FromHexString(string.Concat(hex));
        var sb = new StringBuilder();
        sb.AppendJoin(' ', hex.Take(ShownBufferBytes));
        sb.Append(" ... (").Append(bytes.ToString(CultureInfo.InvariantCulture)).Append(" bytes, sha256 ")
            .Append(Convert.ToHexStringLower(SHA256.HashData(raw))).Append(')');
        return new AnalysisString(sb.ToString());
    }
}
