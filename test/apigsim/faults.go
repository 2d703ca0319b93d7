package apigsim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// FaultRule makes matching calls fail, stall or drop.
type FaultRule struct {
	// Action limits the rule to one call, such as AssociateCertificateV2; empty or * is any.
	Action string `json:"action,omitempty"`
	// Code is the error_code to answer, such as APIG.9999.
	Code string `json:"code,omitempty"`
	// Status is the HTTP status; default from the code (APIG.9999 500, APIG.1002 401, ...).
	Status int `json:"status,omitempty"`
	// Message is the error_msg; default a generic one.
	Message string `json:"message,omitempty"`
	// Times limits how often the rule fires; 0 is always.
	Times int `json:"times,omitempty"`
	// Latency delays the answer.
	Latency time.Duration `json:"latency,omitempty"`
	// Drop closes the connection without an answer.
	Drop bool `json:"drop,omitempty"`
}

// Faults is the fault injection configuration.
type Faults struct {
	Rules []FaultRule `json:"rules,omitempty"`
}

type faultRule struct {
	FaultRule
	fired int
}

func (r FaultRule) apiError() *apiError {
	status := r.Status
	if status == 0 {
		status = defaultStatus(r.Code)
	}
	msg := r.Message
	if msg == "" {
		msg = "Injected fault"
	}
	return &apiError{status, r.Code, msg}
}

func defaultStatus(code string) int {
	switch code {
	case codeInvalidToken:
		return http.StatusUnauthorized
	case "APIG.1005":
		return http.StatusForbidden
	case codeGroupNotFound, codeDomainNotFound, codeInstanceNotFound, codeCertificateNotFound:
		return http.StatusNotFound
	case codeInvalidParameter:
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// SetFaults replaces the fault configuration.
func (s *Simulator) SetFaults(f Faults) error {
	rules := make([]*faultRule, 0, len(f.Rules))
	for _, r := range f.Rules {
		if r.Times < 0 || r.Status < 0 || r.Latency < 0 || (r.Code == "" && !r.Drop && r.Latency == 0) {
			return fmt.Errorf("apigsim: fault rule %+v does nothing or has a negative value", r)
		}
		rules = append(rules, &faultRule{FaultRule: r})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = rules
	return nil
}

// injectFault picks what fires for one call: latencies add up, the first rule with a code
// or a drop decides the outcome.
func (s *Simulator) injectFault(action string) FaultRule {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out FaultRule
	for _, r := range s.faults {
		if (r.Action != "" && r.Action != "*" && r.Action != action) || (r.Times > 0 && r.fired >= r.Times) {
			continue
		}
		decides := r.Code != "" || r.Drop
		if decides && (out.Code != "" || out.Drop) {
			continue
		}
		r.fired++
		out.Latency += r.Latency
		if decides {
			out.Code, out.Status, out.Message, out.Drop = r.Code, r.Status, r.Message, r.Drop
		}
	}
	return out
}

// ParseFaultRule parses the command-line form of a rule: comma-separated key=value pairs
// with keys action, code, status, message, times, latency and drop, for example
// "action=AssociateCertificateV2,code=APIG.9999,times=1".
func ParseFaultRule(s string) (FaultRule, error) {
	var r FaultRule
	for _, pair := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok {
			return r, fmt.Errorf("%q is not key=value", pair)
		}
		var err error
		switch k {
		case "action":
			r.Action = v
		case "code":
			r.Code = v
		case "status":
			r.Status, err = strconv.Atoi(v)
		case "message":
			r.Message = v
		case "times":
			r.Times, err = strconv.Atoi(v)
		case "latency":
			r.Latency, err = time.ParseDuration(v)
		case "drop":
			r.Drop, err = strconv.ParseBool(v)
		default:
			return r, fmt.Errorf("unknown key %q", k)
		}
		if err != nil {
			return r, fmt.Errorf("%s: %w", k, err)
		}
	}
	return r, nil
}
