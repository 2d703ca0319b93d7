package certs

import "strings"

// Covers reports whether one of the certificate's names covers host: the same name, or a
// wildcard for exactly its first label.
func Covers(names []string, host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, n := range names {
		n = strings.ToLower(n)
		if n == host {
			return true
		}
		if suffix, ok := strings.CutPrefix(n, "*."); ok {
			if label, rest, found := strings.Cut(host, "."); found && label != "" && label != "*" && rest == suffix {
				return true
			}
		}
	}
	return false
}
