package sslsim

import (
	"fmt"
	"slices"
	"time"
)

// The instance cache. DeployCertificateInstance and the DescribeHost*
// InstanceList actions read cached instance data unless IsCache is 0, and
// the cache is kept for half an hour (§2.2, §2.6). The simulator takes the
// worst case of that promise: a cached read sees every bindable unit as it
// was one cache age ago. Units created since are missing, and bindings
// changed since show their earlier certificate. To answer that, the store
// keeps the creation time of units added after the start and a log of
// binding changes younger than the cache age.

// bindingChange is one change of the certificate a unit serves.
type bindingChange struct {
	Unit string    `json:"unit"`
	At   time.Time `json:"at"`
	From string    `json:"from"`
	To   string    `json:"to"`
}

// unitID identifies a unit across inventory replacements.
func unitID(u *unit) string { return u.ResourceType + " " + u.Key }

// setBinding makes u serve certificate id from time at.
func (s *Simulator) setBinding(u *unit, id string, at time.Time) {
	from := u.get()
	if from == id {
		return
	}
	u.set(id)
	s.st.BindingLog = append(s.st.BindingLog, bindingChange{Unit: unitID(u), At: at, From: from, To: id})
}

// view is the instance data one call sees: live, or cached as of asOf.
type view struct {
	st   *store
	asOf time.Time
}

func (s *Simulator) liveView() view { return view{st: s.st} }

// instanceView is the view of a call with the given IsCache parameter:
// cached unless IsCache is 0 or the cache is off.
func (s *Simulator) instanceView(isCache flexInt, now time.Time) view {
	ttl := s.cacheTTL()
	if ttl <= 0 || (isCache.Set && isCache.Value == 0) {
		return s.liveView()
	}
	return view{st: s.st, asOf: now.Add(-ttl)}
}

func (v view) cached() bool { return !v.asOf.IsZero() }

// visible reports whether u existed when the view's data was taken. Units
// seeded at the start have no creation time and count as old.
func (v view) visible(u *unit) bool {
	return !v.cached() || !v.st.Created[unitID(u)].After(v.asOf)
}

// cert is the certificate u served when the view's data was taken: the
// "from" side of its earliest later change, else what it serves now.
func (v view) cert(u *unit) string {
	if v.cached() {
		id := unitID(u)
		var first *bindingChange
		for i := range v.st.BindingLog {
			c := &v.st.BindingLog[i]
			if c.Unit == id && c.At.After(v.asOf) && (first == nil || c.At.Before(first.At)) {
				first = c
			}
		}
		if first != nil {
			return first.From
		}
	}
	return u.get()
}

// filter keeps the units visible in the view and, if region is set, in that
// region; units without a region (global products) are kept.
func (v view) filter(units []*unit, region string) []*unit {
	var out []*unit
	for _, u := range units {
		if v.visible(u) && (region == "" || u.Region == "" || u.Region == region) {
			out = append(out, u)
		}
	}
	return out
}

// pruneCache forgets creation times and binding changes older than the
// cache age: every view sees them by now.
func (s *Simulator) pruneCache(now time.Time) {
	horizon := now.Add(-s.cacheTTL())
	for id, t := range s.st.Created {
		if !t.After(horizon) {
			delete(s.st.Created, id)
		}
	}
	s.st.BindingLog = slices.DeleteFunc(s.st.BindingLog, func(c bindingChange) bool { return !c.At.After(horizon) })
}

// SetInventory replaces the cloud resources, including their bindings.
// Units it adds are created now, so cached reads miss them for the cache
// age; running tasks whose targets disappear end in status 6.
func (s *Simulator) SetInventory(inv *Inventory) error { return s.SetInventoryAged(inv, 0) }

// SetInventoryAged is SetInventory for resources that exist since age ago:
// the units it adds, and the binding changes it makes, are dated then.
func (s *Simulator) SetInventoryAged(inv *Inventory, age time.Duration) error {
	if age < 0 {
		return fmt.Errorf("sslsim: the age must not be negative")
	}
	if err := inv.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.advance(now)
	at := now.Add(-age)
	old := map[string]string{}
	for _, u := range s.st.Inventory.units() {
		old[unitID(u)] = u.get()
	}
	next := inv.clone()
	created := map[string]time.Time{}
	exists := map[string]bool{}
	for _, u := range next.units() {
		id := unitID(u)
		exists[id] = true
		prev, existed := old[id]
		switch {
		case !existed:
			created[id] = at
		case !s.st.Created[id].IsZero():
			created[id] = s.st.Created[id]
		}
		if existed && prev != u.get() {
			s.st.BindingLog = append(s.st.BindingLog, bindingChange{Unit: id, At: at, From: prev, To: u.get()})
		}
	}
	s.st.Created = created
	s.st.BindingLog = slices.DeleteFunc(s.st.BindingLog, func(c bindingChange) bool { return !exists[c.Unit] })
	s.st.Inventory = next
	s.pruneCache(now)
	s.persist()
	return nil
}

// Age makes cloud resources older by d, as if d had passed for them alone:
// their creation and binding changes move d into the past, so cached reads
// catch up with them. An empty resourceType ages every resource, an empty
// target every resource of the type; a target is in InstanceIdList form.
func (s *Simulator) Age(resourceType, target string, d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("sslsim: the age must not be negative")
	}
	var key string
	if resourceType != "" && target != "" {
		k, aerr := normalizeTarget(resourceType, target)
		if aerr != nil {
			return fmt.Errorf("sslsim: %s", aerr.Message)
		}
		key = k
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.advance(now)
	matched := map[string]bool{}
	for _, u := range s.st.Inventory.units() {
		if (resourceType == "" || u.ResourceType == resourceType) && (key == "" || u.Key == key) {
			matched[unitID(u)] = true
		}
	}
	if key != "" && len(matched) == 0 {
		return fmt.Errorf("%w: %s %s", ErrUnknownTarget, resourceType, target)
	}
	for id, t := range s.st.Created {
		if matched[id] {
			s.st.Created[id] = t.Add(-d)
		}
	}
	for i := range s.st.BindingLog {
		if matched[s.st.BindingLog[i].Unit] {
			s.st.BindingLog[i].At = s.st.BindingLog[i].At.Add(-d)
		}
	}
	s.pruneCache(now)
	s.persist()
	return nil
}
