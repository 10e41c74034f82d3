// Parse iCalendar texts with ical.js (Mozilla's parser, the one Thunderbird uses) and print what
// a calendar program would read from them. Input on stdin: a JSON array of .ics texts. Output: a
// JSON array, one entry per text: {method, events: [{uid, sequence, status, summary, location,
// start, end, rrule, recurrenceId}]}, or {error} when ical.js refuses the text.
// tests/calendar_checks.py runs it with node; ical.js comes from node_modules (package-lock.json).
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const texts = JSON.parse(Buffer.concat(chunks).toString("utf8"));

function read(text) {
  try {
    const calendar = new ICAL.Component(ICAL.parse(text));
    if (calendar.name !== "vcalendar") return { error: `top component is ${calendar.name}` };
    const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
      const event = new ICAL.Event(vevent);
      const rrule = vevent.getFirstPropertyValue("rrule");
      const recurrenceId = vevent.getFirstPropertyValue("recurrence-id");
      return {
        uid: event.uid,
        sequence: event.sequence,
        status: vevent.getFirstPropertyValue("status"),
        summary: event.summary,
        location: event.location,
        start: event.startDate ? event.startDate.toJSDate().toISOString() : null,
        end: event.endDate ? event.endDate.toJSDate().toISOString() : null,
        rrule: rrule ? rrule.toString() : null,
        recurrenceId: recurrenceId ? recurrenceId.toJSDate().toISOString() : null,
      };
    });
    return { method: calendar.getFirstPropertyValue("method"), events };
  } catch (error) {
    return { error: String(error) };
  }
}

process.stdout.write(JSON.stringify(texts.map(read)));
