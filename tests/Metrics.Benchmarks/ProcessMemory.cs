using System.Globalization;

namespace Metrics.Benchmarks;

/// <summary>A process's resident memory as Linux reports it (/proc/{pid}/status).</summary>
internal static class ProcessMemory
{
    /// <summary>Resident now, in MiB.</summary>
    public static double ResidentMegabytes(int processId) => Read(processId, "VmRSS:");

    /// <summary>The most it has been resident since it started, in MiB: everything it held at its busiest, runtime included.</summary>
    public static double PeakResidentMegabytes(int processId) => Read(processId, "VmHWM:");

    private static double Read(int processId, string field)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}
