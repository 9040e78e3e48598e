using VmState.Description;

namespace FirstDevice;

/// <summary>
/// A first device: a thermostat whose state migrates as description <c>thermostat</c>, version 1. Three fields go
/// on every stream; the alarm time goes in a subsection, sent only while an alarm is set, so a destination that
/// predates alarms loads every stream without one.
/// </summary>
[VmState("thermostat", Version = 1, MinimumVersion = 1)]
[Subsection(AlarmSection)]
public sealed partial class Thermostat
{
    private const string AlarmSection = "thermostat/alarm";

    /// <summary>The temperature to hold, in thousandths of a degree Celsius.</summary>
    [VmStateField("target_mc")]
    public int TargetMilliCelsius = 21_000;

    /// <summary>Whether the heater is on.</summary>
    [VmStateField("heating")]
    public bool Heating;

    /// <summary>The last four readings, in tenths of a degree, newest first.</summary>
    [VmStateField("history", Length = 4)]
    public short[] History = new short[4];

    /// <summary>When the alarm goes off (seconds since the epoch); 0 when no alarm is set.</summary>
    [VmStateField("alarm_at", Subsection = AlarmSection)]
    public long AlarmAt;

    [Needed(AlarmSection)]
    private bool IsAlarmNeeded() => AlarmAt != 0;
}
