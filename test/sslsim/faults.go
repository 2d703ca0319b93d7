package sslsim

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// Faults configures fault injection.
type Faults struct {
	// Rules alter API calls.
	Rules []FaultRule `json:"rules,omitempty"`
	// Targets make deploy and update detail items for these targets fail.
	Targets []TargetFault `json:"targets,omitempty"`
}

// FaultRule alters matching API calls. A rule fires on a matching call
// with Probability (0 means always), at most Times times (0 means no limit).
// When it fires it adds Latency, then drops the connection if Drop is set,
// else answers the error Code if one is set. Authentication and rate limits
// are checked before faults apply.
type FaultRule struct {
	// Action is the action name; empty or "*" matches every action.
	Action      string   `json:"action,omitempty"`
	Code        string   `json:"code,omitempty"`
	Message     string   `json:"message,omitempty"`
	Times       int      `json:"times,omitempty"`
	Probability float64  `json:"probability,omitempty"`
	Latency     Duration `json:"latency,omitempty"`
	Drop        bool     `json:"drop,omitempty"`
	// AfterHandling applies the error or drop after the call took effect,
	// like a response lost on the way back.
	AfterHandling bool `json:"afterHandling,omitempty"`
}

// TargetFault makes detail items for one target end in status 2 (failed)
// with Message as ErrorMsg. With Attempts > 0 only the first Attempts
// completions fail, so "fails once, then succeeds on retry" can be tested.
type TargetFault struct {
	ResourceType string `json:"resourceType"`
	// Target is the InstanceIdList entry, e.g. "lb-1|lbl-1" for clb.
	Target   string `json:"target"`
	Message  string `json:"message,omitempty"`
	Attempts int    `json:"attempts,omitempty"`
}

// Duration is a time.Duration written as a Go duration string ("250ms").
type Duration struct{ time.Duration }

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads a duration string or a number of nanoseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int64
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("duration must be a string like \"1s\" or nanoseconds")
		}
		d.Duration = time.Duration(n)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

func (r FaultRule) apiError() *apiError {
	if r.Code == "" {
		return nil
	}
	return &apiError{Code: r.Code, Message: orDefault(r.Message, "Injected fault.")}
}

// faultState tracks how often each rule and target fault has fired.
type faultState struct {
	rules   []*ruleState
	targets []*targetState
}

type ruleState struct {
	FaultRule
	fired int
}

type targetState struct {
	TargetFault
	key    string
	failed int
}

// Validate checks probabilities, counts and targets.
func (f Faults) Validate() error {
	for i, r := range f.Rules {
		if r.Probability < 0 || r.Probability > 1 {
			return fmt.Errorf("fault rule %d: probability must be between 0 and 1", i)
		}
		if r.Times < 0 || r.Latency.Duration < 0 {
			return fmt.Errorf("fault rule %d: times and latency must not be negative", i)
		}
		if r.Action != "" && r.Action != "*" {
			if _, ok := actions[r.Action]; !ok {
				return fmt.Errorf("fault rule %d: unknown action %q", i, r.Action)
			}
		}
		if r.Code == "" && !r.Drop && r.Latency.Duration == 0 {
			return fmt.Errorf("fault rule %d: set a code, drop or latency", i)
		}
	}
	for i, t := range f.Targets {
		if _, err := normalizeTarget(t.ResourceType, t.Target); err != nil {
			return fmt.Errorf("fault target %d: %s", i, err.Message)
		}
		if t.Attempts < 0 {
			return fmt.Errorf("fault target %d: attempts must not be negative", i)
		}
	}
	return nil
}

// SetFaults replaces the fault injection configuration and resets its
// counters. Work due before the change completes under the old faults.
func (s *Simulator) SetFaults(f Faults) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance(s.now())
	return s.setFaults(f)
}

func (s *Simulator) setFaults(f Faults) error {
	if err := f.Validate(); err != nil {
		return err
	}
	var fs faultState
	for _, r := range f.Rules {
		fs.rules = append(fs.rules, &ruleState{FaultRule: r})
	}
	for _, t := range f.Targets {
		key, _ := normalizeTarget(t.ResourceType, t.Target)
		fs.targets = append(fs.targets, &targetState{TargetFault: t, key: key})
	}
	s.faults = fs
	return nil
}

// injectFault decides which rules fire for one call of action. Latencies
// add up; the first firing rule with a code or drop decides the outcome.
func (s *Simulator) injectFault(action string) FaultRule {
	var out FaultRule
	decided := false
	for _, r := range s.faults.rules {
		if r.Action != "" && r.Action != "*" && r.Action != action {
			continue
		}
		if r.Times > 0 && r.fired >= r.Times {
			continue
		}
		if r.Probability > 0 && s.rng.Float64() >= r.Probability {
			continue
		}
		hasOutcome := r.Code != "" || r.Drop
		if hasOutcome && decided {
			continue
		}
		r.fired++
		out.Latency.Duration += r.Latency.Duration
		if hasOutcome {
			decided = true
			out.Code, out.Message, out.Drop, out.AfterHandling = r.Code, r.Message, r.Drop, r.AfterHandling
		}
	}
	return out
}

// targetFailure reports whether a completing item for (resourceType, key)
// must fail, counting the failure.
func (s *Simulator) targetFailure(resourceType, key string) (string, bool) {
	for _, t := range s.faults.targets {
		if t.ResourceType != resourceType || t.key != key {
			continue
		}
		if t.Attempts > 0 && t.failed >= t.Attempts {
			continue
		}
		t.failed++
		return orDefault(t.Message, "Injected deployment failure."), true
	}
	return "", false
}

// normalizeTarget turns an InstanceIdList entry into a unit key. A CDN
// entry may omit its billing switch.
func normalizeTarget(resourceType, entry string) (string, *apiError) {
	if resourceType == "cdn" && !strings.Contains(entry, "|") {
		entry += "|on"
	}
	t, err := parseTarget(resourceType, entry)
	if err != nil {
		return "", err
	}
	return t.Key, nil
}

// ParseFaultRule parses the command-line form of a fault rule:
// comma-separated key=value pairs with keys action, code, message, times,
// probability, latency, drop and afterHandling, e.g.
// "action=UploadCertificate,code=InternalError,times=2".
func ParseFaultRule(s string) (FaultRule, error) {
	var r FaultRule
	err := parsePairs(s, func(k, v string) error {
		var err error
		switch k {
		case "action":
			r.Action = v
		case "code":
			r.Code = v
		case "message":
			r.Message = v
		case "times":
			r.Times, err = strconv.Atoi(v)
		case "probability":
			r.Probability, err = strconv.ParseFloat(v, 64)
		case "latency":
			r.Latency.Duration, err = time.ParseDuration(v)
		case "drop":
			r.Drop, err = strconv.ParseBool(v)
		case "afterHandling":
			r.AfterHandling, err = strconv.ParseBool(v)
		default:
			return fmt.Errorf("unknown key %q", k)
		}
		return err
	})
	return r, err
}

// ParseTargetFault parses the command-line form of a target fault:
// comma-separated key=value pairs with keys resourceType, target, message
// and attempts, e.g. "resourceType=clb,target=lb-1|lbl-1,attempts=1".
func ParseTargetFault(s string) (TargetFault, error) {
	var t TargetFault
	err := parsePairs(s, func(k, v string) error {
		var err error
		switch k {
		case "resourceType":
			t.ResourceType = v
		case "target":
			t.Target = v
		case "message":
			t.Message = v
		case "attempts":
			t.Attempts, err = strconv.Atoi(v)
		default:
			return fmt.Errorf("unknown key %q", k)
		}
		return err
	})
	return t, err
}

func parsePairs(s string, set func(k, v string) error) error {
	for _, pair := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok {
			return fmt.Errorf("%q is not key=value", pair)
		}
		if err := set(k, v); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

// Rate limits per action in requests per second (§1.12); unlisted actions
// allow 10.
var rateLimits = map[string]int{
	"CheckCertificateChain":                 20,
	"DescribeHostUploadUpdateRecord":        20,
	"UploadUpdateCertificateInstance":       20,
	"UploadUpdateCertificateRecordRetry":    20,
	"UploadUpdateCertificateRecordRollback": 20,
	"DescribeHostUploadUpdateRecordDetail":  20,
}

// rateLimited applies the limit per API, access region and sub-account,
// the documented throttling dimension (§1.12): the access region is the
// endpoint's, not the Region header, so spreading calls over Region values
// gains nothing; the sub-account is the SecretId. Throttled calls answer
// LimitExceeded.RateLimitExceeded, the code the SSL action pages list.
func (s *Simulator) rateLimited(action, access, secretID string, now time.Time) bool {
	if s.opts.DisableRateLimits {
		return false
	}
	key := action + "|" + access + "|" + secretID
	l, ok := s.limiters[key]
	if !ok {
		n := rateLimits[action]
		if n == 0 {
			n = 10
		}
		l = rate.NewLimiter(rate.Limit(n), n)
		s.limiters[key] = l
	}
	return !l.AllowN(now, 1)
}
