using System.Text.Json;
using NCrontab;

namespace Metrics.Functions.Timers;

/// <summary>Reads a function's <c>function.json</c>, the one place its schedule is written.</summary>
public static class FunctionJson
{
    public static string PathOf(string functionName) => Path.Combine(AppContext.BaseDirectory, functionName, "function.json");

    /// <summary>The timer trigger's NCRONTAB schedule (six fields, UTC).</summary>
    public static CrontabSchedule TimerSchedule(string functionName)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(PathOf(functionName)));
        var trigger = document.RootElement.GetProperty("bindings").EnumerateArray()
            .Single(binding => binding.GetProperty("type").GetString() == "timerTrigger");
        return CrontabSchedule.Parse(trigger.GetProperty("schedule").GetString()!, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
    }
}
