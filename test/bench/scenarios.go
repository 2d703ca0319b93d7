package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// driftAction is the call a CLB drift check makes.
const driftAction = "DescribeHostClbInstanceList"

// steady runs ten compressed resyncs over the Ready objects. Every call that is not a drift
// check counts as resync cost; drift checks are timed on a sample whose drift interval is
// compressed by the same factor, and priced at their default interval for every deployment.
func (r *run) steady(ctx context.Context) error {
	n, sample := r.o.Objects, r.o.DriftSample
	compression := float64(defaultResync) / float64(r.o.Resync)
	interval := time.Duration(float64(defaultDrift) / compression)
	r.progress("steady state: %d deployments check drift every %s, the resync is %s", sample, interval, r.o.Resync)
	patched := metav1.NewTime(time.Now().Truncate(time.Second))
	if err := parallel(sample, 8, func(i int) error {
		cd := &sslv1alpha1.CertificateDeployment{}
		if err := r.k8s.Get(ctx, client.ObjectKey{Namespace: benchNamespace, Name: certName(i)}, cd); err != nil {
			return err
		}
		base := cd.DeepCopy()
		cd.Spec.DriftCheckInterval = &metav1.Duration{Duration: interval}
		return r.k8s.Patch(ctx, cd, client.MergeFrom(base))
	}); err != nil {
		return err
	}
	// Their last check is older than the new interval, so each checks at once; the window
	// starts after that.
	if err := poll(ctx, phaseTimeout(sample), func() (bool, error) {
		checked, err := r.driftChecks(ctx, sample)
		if err != nil {
			return false, err
		}
		for _, at := range checked {
			if at.Before(&patched) {
				return false, nil
			}
		}
		return true, nil
	}); err != nil {
		return fmt.Errorf("steady state: first drift checks: %w", err)
	}
	restartMark := r.log.mark()
	if err := r.restart(ctx, r.o.ManagerBinary, "--resync-interval="+r.o.Resync.String()); err != nil {
		return err
	}
	if err := poll(ctx, 3*time.Minute, func() (bool, error) {
		mt, err := r.mgr.metrics()
		return err == nil && mt["controller_runtime_reconcile_total/tencentcertificate"] >= float64(n) &&
			mt["controller_runtime_reconcile_total/certificatedeployment"] >= float64(n), nil
	}); err != nil {
		return fmt.Errorf("steady state: restart: %w", err)
	}
	r.report("restart_calls", len(r.log.since(restartMark)), "count")

	mark := r.log.mark()
	window := 10 * r.o.Resync
	checks, err := r.countDriftChecks(ctx, sample, window)
	if err != nil {
		return err
	}
	calls := r.log.since(mark)
	drift := byAction(calls)[driftAction]
	other := len(calls) - drift
	perCheck := 0.0
	if checks > 0 {
		perCheck = float64(drift) / float64(checks)
	}
	// Ten resyncs at the default interval are 100 minutes; drift checks run once per default
	// interval for every deployment.
	perHour := float64(other)*float64(time.Hour)/float64(10*defaultResync) + float64(n)*perCheck*float64(time.Hour)/float64(defaultDrift)
	r.report("steady_calls_per_hour", perHour, "count")
	r.report("steady_resync_calls", other, "count")
	r.report("steady_drift_calls_per_check", perCheck, "count")
	return nil
}

// driftChecks returns the last drift check time of the first n deployments.
func (r *run) driftChecks(ctx context.Context, n int) (map[string]*metav1.Time, error) {
	list := &sslv1alpha1.CertificateDeploymentList{}
	if err := r.k8s.List(ctx, list, client.InNamespace(benchNamespace)); err != nil {
		return nil, err
	}
	out := map[string]*metav1.Time{}
	for i := range list.Items {
		cd := &list.Items[i]
		if cd.Spec.DriftCheckInterval != nil && len(out) < n {
			out[cd.Name] = cd.Status.LastDriftCheckTime
		}
	}
	return out, nil
}

// countDriftChecks counts how often the sample's last drift check times change during window.
func (r *run) countDriftChecks(ctx context.Context, sample int, window time.Duration) (int, error) {
	last, err := r.driftChecks(ctx, sample)
	if err != nil {
		return 0, err
	}
	checks := 0
	end := time.Now().Add(window)
	for time.Now().Before(end) {
		time.Sleep(min(2*time.Second, time.Until(end)))
		now, err := r.driftChecks(ctx, sample)
		if err != nil {
			return 0, err
		}
		for name, at := range now {
			if !at.Equal(last[name]) {
				checks++
			}
		}
		last = now
	}
	return checks, nil
}

// memory reads the resident memory of fresh managers once they reconciled everything and
// idled: ours before and after the unrelated Secrets, then the cache-everything build.
func (r *run) memory(ctx context.Context) error {
	// measure returns the resident memory, its peak, and the heap in use after a collection.
	measure := func(binary, name string) (rss, peak, heap float64, err error) {
		if err := r.restart(ctx, binary); err != nil {
			return 0, 0, 0, err
		}
		if err := r.mgr.settled(ctx, r.o.Objects, 5*time.Minute); err != nil {
			return 0, 0, 0, fmt.Errorf("memory (%s): %w", name, err)
		}
		time.Sleep(r.o.Settle)
		if rss, peak, err = r.mgr.memory(); err != nil {
			return 0, 0, 0, err
		}
		// Fetching the profile collects garbage first.
		if err := r.mgr.saveProfile(filepath.Join(r.work, "heap-"+name+".pprof")); err != nil {
			return 0, 0, 0, err
		}
		mt, err := r.mgr.metrics()
		heap = mt["go_memstats_heap_inuse_bytes"] / (1 << 20)
		r.progress("%s: RSS %.1f MiB, peak %.1f MiB; after a collection: Go heap in use %.1f MiB, idle %.1f MiB, released %.1f MiB, runtime total %.1f MiB",
			name, rss, peak, heap, mt["go_memstats_heap_idle_bytes"]/(1<<20), mt["go_memstats_heap_released_bytes"]/(1<<20), mt["go_memstats_sys_bytes"]/(1<<20))
		return rss, peak, heap, err
	}
	base, _, _, err := measure(r.o.ManagerBinary, "baseline")
	if err != nil {
		return err
	}
	r.report("rss_mib_baseline", base, "MiB")
	r.progress("creating %d unrelated Secrets", r.o.UnrelatedSecrets)
	if err := parallel(r.o.UnrelatedSecrets, 32, func(i int) error {
		s, err := noiseSecret(i)
		if err != nil {
			return err
		}
		return r.k8s.Create(ctx, s)
	}); err != nil {
		return err
	}
	ours, peak, heap, err := measure(r.o.ManagerBinary, "secrets")
	if err != nil {
		return err
	}
	r.report("rss_mib_20k_secrets", ours, "MiB")
	r.report("rss_mib_20k_secrets_peak", peak, "MiB")
	r.report("heap_mib_20k_secrets", heap, "MiB")
	all, _, allHeap, err := measure(r.o.CacheAllBinary, "cacheall")
	if err != nil {
		return err
	}
	r.report("rss_mib_cache_all", all, "MiB")
	r.report("rss_ratio_cache_all", ours/all, "ratio")
	r.report("heap_ratio_cache_all", heap/allHeap, "ratio")
	return nil
}

// fleet runs operators of several clusters on one account, first each with its share of the
// budget, then all with the whole budget and only adaptive backoff.
func (r *run) fleet(ctx context.Context) error {
	c, err := r.issuer.issue(0)
	if err != nil {
		return err
	}
	k := r.o.FleetClusters
	var results [2]fleetResult
	for i, share := range []float64{1 / float64(k), 1} {
		r.progress("fleet: %d clusters on one account, share %.2f each", k, share)
		results[i] = runFleet(ctx, r.log, r.endpoint, c, k, r.o.FleetCalls, 4, share)
		// The budget refills before the next fleet.
		time.Sleep(2 * time.Second)
	}
	r.report("fleet_share_rate_ratio", results[0].ratio, "ratio")
	r.report("fleet_share_throttled", results[0].throttled, "count")
	r.report("fleet_adaptive_rate_ratio", results[1].ratio, "ratio")
	r.report("fleet_adaptive_throttled", results[1].throttled, "count")
	r.report("fleet_adaptive_requeued", results[1].requeued, "count")
	return nil
}
