using System.Diagnostics;
using System.Globalization;

namespace Metrics.Benchmarks;

/// <summary>
/// Whole-machine CPU from Linux's <c>/proc</c>: how busy all cores were, and how much time the hypervisor
/// gave to other machines (steal), which matters on a shared build machine. Null elsewhere.
/// </summary>
internal static class MachineCpu
{
    public readonly record struct Sample(long Busy, long Steal, long Total);

    /// <summary>Fractions of all cores' time: 1.0 means every core busy for the whole phase.</summary>
    public readonly record struct Usage(double Busy, double Steal);

    public static Sample? Read()
    {
        try
        {
            // cpu  user nice system idle iowait irq softirq steal ...
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var total = fields.Take(8).Sum();
            var idle = fields[3] + fields[4];
            return new Sample(total - idle - fields[7], fields[7], total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    public static Usage Between(Sample before, Sample after)
    {
        var total = Math.Max(1, after.Total - before.Total);
        return new Usage((double)(after.Busy - before.Busy) / total, (double)(after.Steal - before.Steal) / total);
    }

    /// <summary>The node process serving Azurite's table endpoint on <paramref name="tablePort"/>, if this is Linux.</summary>
    public static Process? FindAzurite(int tablePort)
    {
        var port = $"\0--tablePort\0{tablePort.ToString(CultureInfo.InvariantCulture)}\0";
        try
        {
            foreach (var folder in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
                string commandLine;
                try
                {
                    commandLine = File.ReadAllText(Path.Combine(folder, "cmdline"));
                }
                catch (IOException)
                {
                    continue;
                }
                if (commandLine.Contains("azurite", StringComparison.Ordinal) && commandLine.Contains(port, StringComparison.Ordinal))
                    return Process.GetProcessById(pid);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Not Linux, or /proc is not readable: CPU of Azurite is reported as unknown.
        }
        return null;
    }

    /// <summary>
    /// CPU time of the process whose command line contains <paramref name="marker"/> and of all its descendants, with
    /// that of their children that have exited and been waited for (Chromium's renderers end with each browser
    /// context); null if not Linux.
    /// </summary>
    public static TimeSpan? CpuOfTree(string marker)
    {
        try
        {
            var processes = new Dictionary<int, (int Parent, long Ticks, bool Marked)>();
            foreach (var folder in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
                try
                {
                    // pid (comm) state ppid ...: after the ')', ppid is the 2nd field and utime, stime, cutime, cstime the 12th to 15th.
                    var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    var ticks = fields[11..15].Sum(f => long.Parse(f, CultureInfo.InvariantCulture));
                    var marked = File.ReadAllText(Path.Combine(folder, "cmdline")).Contains(marker, StringComparison.Ordinal);
                    processes[pid] = (int.Parse(fields[1], CultureInfo.InvariantCulture), ticks, marked);
                }
                catch (IOException)
                {
                    // The process ended meanwhile.
                }
            }
            bool InTree(int pid) => processes.TryGetValue(pid, out var p) && (p.Marked || InTree(p.Parent));
            // Linux counts these in USER_HZ, 100 per second everywhere it runs today.
            return TimeSpan.FromSeconds(processes.Where(p => InTree(p.Key)).Sum(p => p.Value.Ticks) / 100.0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
