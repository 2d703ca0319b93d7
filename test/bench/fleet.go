package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
	"github.com/certsync/tencent-cert-operator/internal/testcerts"
)

// Fleet credentials: one account that several clusters share, with a budget of its own on
// the simulator so that the fleet does not disturb the manager's.
const (
	fleetSecretID  = "AKIDbenchfleet"
	fleetSecretKey = "bench-fleet-secret-key"
)

// fleetResult is what a fleet of operators sharing one account achieved.
type fleetResult struct {
	// ratio is the account's successful upload rate over the documented ceiling.
	ratio float64
	// throttled counts the answers the service throttled; requeued the calls that stayed
	// throttled after the client's retries, which a reconciler requeues quietly.
	throttled, requeued int
}

// runFleet simulates clusters operators on one account, each with its own client (its own
// limiter, as separate processes have) taking share of the budget, uploading calls
// certificates each with workers concurrent reconciles.
func runFleet(ctx context.Context, log *callLog, endpoint string, cert *testcerts.Cert, clusters, calls, workers int, share float64) fleetResult {
	mark := log.mark()
	var requeued atomic.Int64
	var wg sync.WaitGroup
	for range clusters {
		f := tencentcloud.NewFactory(tencentcloud.FactoryOptions{Endpoint: endpoint, Region: region,
			RateLimit: tencentcloud.RateLimitOptions{Share: share}})
		api, err := f.For(ctx, &tencentcloud.Credentials{SecretID: fleetSecretID, SecretKey: fleetSecretKey})
		if err != nil {
			panic(err) // static, valid credentials
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = parallel(calls, workers, func(int) error {
				for {
					_, err := api.Upload(ctx, tencentcloud.UploadInput{CertificatePEM: string(cert.FullChainPEM), PrivateKeyPEM: string(cert.KeyPEM), Type: "SVR", Alias: "fleet"})
					if tencentcloud.Classify(err) != tencentcloud.ClassThrottled || ctx.Err() != nil {
						return nil
					}
					// A reconciler requeues the object quietly and tries again later.
					requeued.Add(1)
					time.Sleep(2 * time.Second)
				}
			})
		}()
	}
	wg.Wait()
	made := log.since(mark)
	r, _ := rate(made, "UploadCertificate")
	res := fleetResult{ratio: r / 10, requeued: int(requeued.Load())}
	for _, c := range made {
		if c.throttled() {
			res.throttled++
		}
	}
	return res
}
