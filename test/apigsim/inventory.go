package apigsim

import (
	"errors"
	"fmt"
	"os"

	"sigs.k8s.io/yaml"
)

// Inventory lists the APIG instances, their API groups and the groups' custom domains.
type Inventory struct {
	Instances []Instance `json:"instances"`
}

// Instance is a dedicated APIG instance of a project.
type Instance struct {
	ProjectID string  `json:"projectId"`
	ID        string  `json:"id"`
	Groups    []Group `json:"groups,omitempty"`
}

// Group is an API group.
type Group struct {
	ID      string   `json:"id"`
	Name    string   `json:"name,omitempty"`
	Domains []Domain `json:"domains,omitempty"`
}

// Domain is a custom domain of a group.
type Domain struct {
	ID        string `json:"id"`
	URLDomain string `json:"urlDomain"`
	// CNAMEStatus is 1 unresolved, 2 resolving, 3 resolved (the default) or 4 failed.
	CNAMEStatus int32 `json:"cnameStatus,omitempty"`
}

// LoadInventory reads an inventory from a YAML or JSON file.
func LoadInventory(path string) (*Inventory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	inv := &Inventory{}
	if err := yaml.UnmarshalStrict(data, inv); err != nil {
		return nil, fmt.Errorf("parse inventory: %w", err)
	}
	return inv, inv.Validate()
}

// Validate checks that IDs are present and unique where APIG needs them to be.
func (inv *Inventory) Validate() error {
	seen := map[string]bool{}
	for _, in := range inv.Instances {
		if in.ProjectID == "" || in.ID == "" {
			return errors.New("inventory: an instance needs projectId and id")
		}
		for _, g := range in.Groups {
			if g.ID == "" {
				return fmt.Errorf("inventory: a group of instance %s has no id", in.ID)
			}
			for _, d := range g.Domains {
				key := in.ID + "/" + g.ID + "/" + d.ID
				if d.ID == "" || d.URLDomain == "" || seen[key] {
					return fmt.Errorf("inventory: domain %q of group %s needs a unique id and a urlDomain", d.ID, g.ID)
				}
				seen[key] = true
				if d.CNAMEStatus < 0 || d.CNAMEStatus > 4 {
					return fmt.Errorf("inventory: domain %s: cnameStatus must be 1 to 4", d.ID)
				}
			}
		}
	}
	return nil
}
