package apigsim

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"

	"sigs.k8s.io/yaml"
)

// SetInventory replaces the inventory; the certificates bound to domains that remain are kept.
func (s *Simulator) SetInventory(inv *Inventory) error {
	if err := inv.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.domains
	s.domains, s.groups, s.inst = map[string]*domainState{}, map[string]*groupState{}, map[string]string{}
	for _, in := range inv.Instances {
		s.inst[in.ID] = in.ProjectID
		for _, g := range in.Groups {
			gs := &groupState{id: g.ID, name: g.Name}
			s.groups[in.ID+"/"+g.ID] = gs
			for _, d := range g.Domains {
				key := in.ID + "/" + g.ID + "/" + d.ID
				ds := &domainState{id: d.ID, urlDomain: d.URLDomain, cname: d.CNAMEStatus}
				if ds.cname == 0 {
					ds.cname = 3
				}
				if prev := old[key]; prev != nil {
					ds.bound = prev.bound
				}
				s.domains[key] = ds
				gs.domains = append(gs.domains, ds)
			}
		}
	}
	return nil
}

// DomainCertificate returns what a domain serves, or nil.
func (s *Simulator) DomainCertificate(instanceID, groupID, domainID string) *Bound {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.domains[instanceID+"/"+groupID+"/"+domainID]; d != nil && d.bound != nil {
		b := *d.bound
		return &b
	}
	return nil
}

// SetDomainCertificate binds a certificate out of band, as an edit in the console would, and
// returns its ssl_id. A nil leaf unbinds.
func (s *Simulator) SetDomainCertificate(instanceID, groupID, domainID, name string, leaf *x509.Certificate) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.domains[instanceID+"/"+groupID+"/"+domainID]
	if d == nil {
		return "", fmt.Errorf("apigsim: no domain %s/%s/%s", instanceID, groupID, domainID)
	}
	if leaf == nil {
		d.bound = nil
		return "", nil
	}
	d.bound = &Bound{SSLID: newID(), SSLName: name, Leaf: leaf, Fingerprint: fingerprint(leaf), BoundAt: s.now()}
	return d.bound.SSLID, nil
}

// CallCounts maps an action to its outcomes (Success or an error code) and their counts.
type CallCounts map[string]map[string]int

// Total counts the calls of action, or of every action when action is empty.
func (c CallCounts) Total(action string) int {
	n := 0
	for a, codes := range c {
		if action == "" || a == action {
			for _, v := range codes {
				n += v
			}
		}
	}
	return n
}

// Calls returns a copy of the call counts.
func (s *Simulator) Calls() CallCounts {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := CallCounts{}
	for a, codes := range s.calls {
		out[a] = maps.Clone(codes)
	}
	return out
}

// ResetCalls clears the call counts.
func (s *Simulator) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = map[string]map[string]int{}
}

// DomainView is a domain in the admin state: never a key.
type DomainView struct {
	InstanceID string `json:"instanceId"`
	GroupID    string `json:"groupId"`
	ID         string `json:"id"`
	URLDomain  string `json:"urlDomain"`
	Bound      *Bound `json:"bound,omitempty"`
}

// Domains lists every domain and what it serves.
func (s *Simulator) Domains() []DomainView {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []DomainView
	for key, g := range s.groups {
		instance := key[:len(key)-len(g.id)-1]
		for _, d := range g.domains {
			v := DomainView{InstanceID: instance, GroupID: g.id, ID: d.id, URLDomain: d.urlDomain}
			if d.bound != nil {
				b := *d.bound
				v.Bound = &b
			}
			out = append(out, v)
		}
	}
	return out
}

// serveAdmin serves, without a signature:
//
//	GET  /_sim/state        domains and the certificates they serve (no keys)
//	PUT  /_sim/inventory    replace the inventory (YAML or JSON)
//	PUT  /_sim/faults       replace the faults (YAML or JSON)
//	GET  /_sim/calls        call counts per action and outcome
//	POST /_sim/calls/reset  clear the call counts
func (s *Simulator) serveAdmin(w http.ResponseWriter, r *http.Request) {
	route := r.Method + " " + r.URL.Path
	switch route {
	case "GET /_sim/state":
		writeJSON(w, s.Domains())
	case "GET /_sim/calls":
		writeJSON(w, s.Calls())
	case "POST /_sim/calls/reset":
		s.ResetCalls()
		w.WriteHeader(http.StatusNoContent)
	case "PUT /_sim/inventory", "PUT /_sim/faults":
		data, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err == nil {
			if route == "PUT /_sim/faults" {
				var f Faults
				if err = yaml.UnmarshalStrict(data, &f); err == nil {
					err = s.SetFaults(f)
				}
			} else {
				inv := &Inventory{}
				if err = yaml.UnmarshalStrict(data, inv); err == nil {
					err = s.SetInventory(inv)
				}
			}
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}
