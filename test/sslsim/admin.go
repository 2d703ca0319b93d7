package sslsim

import (
	"errors"
	"io"
	"net/http"
	"time"

	"sigs.k8s.io/yaml"
)

// BindRequest is the body of POST /_sim/bind.
type BindRequest struct {
	ResourceType  string `json:"resourceType"`
	Target        string `json:"target"`
	CertificateID string `json:"certificateId"`
}

// AgeRequest is the body of POST /_sim/age: resources to make older by Age
// (a duration such as "45m"). An empty ResourceType ages every resource,
// an empty Target every resource of the type.
type AgeRequest struct {
	ResourceType string   `json:"resourceType,omitempty"`
	Target       string   `json:"target,omitempty"`
	Age          Duration `json:"age"`
}

// serveAdmin serves the admin endpoints listed on ServeHTTP.
func (s *Simulator) serveAdmin(w http.ResponseWriter, r *http.Request) {
	type route struct{ method, path string }
	switch (route{r.Method, r.URL.Path}) {
	case route{http.MethodGet, "/_sim/state"}:
		writeJSON(w, http.StatusOK, s.State())
	case route{http.MethodPut, "/_sim/inventory"}:
		body, ok := readAdminBody(w, r)
		if !ok {
			return
		}
		var age time.Duration
		inv, err := ParseInventory(body)
		if v := r.URL.Query().Get("age"); err == nil && v != "" {
			age, err = time.ParseDuration(v)
		}
		if err == nil {
			err = s.SetInventoryAged(inv, age)
		}
		adminResult(w, err)
	case route{http.MethodPost, "/_sim/age"}:
		adminUpdate(w, r, func(req AgeRequest) error { return s.Age(req.ResourceType, req.Target, req.Age.Duration) })
	case route{http.MethodPut, "/_sim/faults"}:
		adminUpdate(w, r, s.SetFaults)
	case route{http.MethodGet, "/_sim/calls"}:
		writeJSON(w, http.StatusOK, s.Calls())
	case route{http.MethodPost, "/_sim/calls/reset"}:
		s.ResetCalls()
		adminResult(w, nil)
	case route{http.MethodPost, "/_sim/bind"}:
		adminUpdate(w, r, func(req BindRequest) error { return s.Bind(req.ResourceType, req.Target, req.CertificateID) })
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown admin endpoint " + r.Method + " " + r.URL.Path})
	}
}

// adminUpdate reads a YAML or JSON body into T, rejecting unknown fields,
// and applies it; an unknown target answers 404.
func adminUpdate[T any](w http.ResponseWriter, r *http.Request, apply func(T) error) {
	body, ok := readAdminBody(w, r)
	if !ok {
		return
	}
	var v T
	err := yaml.UnmarshalStrict(body, &v)
	if err == nil {
		err = apply(v)
	}
	if errors.Is(err, ErrUnknownTarget) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
		return
	}
	adminResult(w, err)
}

func readAdminBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "read body: " + err.Error()})
		return nil, false
	}
	return body, true
}

func adminResult(w http.ResponseWriter, err error) {
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
