package sslsim

import "time"

// beijing is the zone of the API's plain "YYYY-MM-DD HH:MM:SS" times: the
// reference infers UTC+8 from records whose ISO item times are 8 hours apart.
var beijing = time.FixedZone("UTC+8", 8*60*60)

// plainTime formats certificate and record times ("2024-12-03 08:00:00").
func plainTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(beijing).Format("2006-01-02 15:04:05")
}

// isoTime formats detail item times ("2024-06-26T11:36:33.000000Z").
func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}

// page applies Offset and Limit with the documented defaults and maximum;
// values above the maximum are treated as the maximum.
func page[T any](items []T, offset, limit flexInt, defLimit, maxLimit int64) []T {
	o := offset.or(0)
	l := limit.or(defLimit)
	if l > maxLimit {
		l = maxLimit
	}
	if o < 0 || l <= 0 || o >= int64(len(items)) {
		return []T{}
	}
	end := min(o+l, int64(len(items)))
	return items[o:end]
}
