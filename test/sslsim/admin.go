package sslsim

import (
	"encoding/json"
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
		body, ok := readAdminBody(w, r)
		if !ok {
			return
		}
		var req AgeRequest
		err := yaml.UnmarshalStrict(body, &req)
		if err == nil {
			err = s.Age(req.ResourceType, req.Target, req.Age.Duration)
		}
		if errors.Is(err, ErrUnknownTarget) {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
			return
		}
		adminResult(w, err)
	case route{http.MethodPut, "/_sim/faults"}:
		body, ok := readAdminBody(w, r)
		if !ok {
			return
		}
		var f Faults
		err := yaml.UnmarshalStrict(body, &f)
		if err == nil {
			err = s.SetFaults(f)
		}
		adminResult(w, err)
	case route{http.MethodGet, "/_sim/calls"}:
		writeJSON(w, http.StatusOK, s.Calls())
	case route{http.MethodPost, "/_sim/calls/reset"}:
		s.ResetCalls()
		adminResult(w, nil)
	case route{http.MethodPost, "/_sim/bind"}:
		body, ok := readAdminBody(w, r)
		if !ok {
			return
		}
		var req BindRequest
		err := json.Unmarshal(body, &req)
		if err == nil {
			err = s.Bind(req.ResourceType, req.Target, req.CertificateID)
		}
		if errors.Is(err, ErrUnknownTarget) {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
			return
		}
		adminResult(w, err)
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown admin endpoint " + r.Method + " " + r.URL.Path})
	}
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
