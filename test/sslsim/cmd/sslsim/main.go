// Command sslsim serves the Tencent Cloud SSL API simulator over HTTP.
//
//	sslsim --listen 127.0.0.1:8080 --secret-id AKID... --secret-key KEY \
//	  [--inventory FILE] [--state-file FILE] [--rate-limits=true] \
//	  [--time-scale 60] [--seed 1] [--deploy-duration 0] [--latency 150ms±50ms] \
//	  [--instance-cache 30m] [--regional-lists=true] \
//	  [--fault action=UploadCertificate,code=InternalError,times=1] \
//	  [--fault-target resourceType=clb,target=lb-1|lbl-1,attempts=1] [--faults-file FILE]
//
// Every default is the strict reading of the API reference: realistic task
// durations in real time, the half-hour instance cache, regional instance
// lists and rate limits. See test/sslsim/README.md.
//
// The secret key may also be given in SSLSIM_SECRET_KEY to keep it out of
// the process list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/certsync/tencent-cert-operator/test/sslsim"
)

// listFlag collects a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return fmt.Sprint(*l) }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "sslsim:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	opts, listen, err := parseOptions(args)
	if err != nil {
		return err
	}
	sim, err := sslsim.Open(opts)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("sslsim listening on http://%s\n", ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	fmt.Println("sslsim stopped")
	return nil
}

// parseOptions turns the command line into simulator options and the
// listen address.
func parseOptions(args []string) (sslsim.Options, string, error) {
	fs := flag.NewFlagSet("sslsim", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8080", "address to listen on")
	secretID := fs.String("secret-id", "", "accepted SecretId (required)")
	secretKey := fs.String("secret-key", os.Getenv("SSLSIM_SECRET_KEY"), "SecretKey of --secret-id (or SSLSIM_SECRET_KEY)")
	inventory := fs.String("inventory", "", "inventory file (YAML or JSON); its resources count as old")
	deployDuration := fs.Duration("deploy-duration", 0, "fixed duration of every task; 0 draws realistic durations, negative completes at once")
	timeScale := fs.Float64("time-scale", 1, "compress simulated time: 60 makes a task of a minute take a second")
	seed := fs.Uint64("seed", 0, "seed of the duration and latency spread")
	latency := fs.String("latency", "0", "delay of every answer, e.g. 150ms±50ms (or 150ms+-50ms)")
	instanceCache := fs.Duration("instance-cache", 30*time.Minute, "age of cached instance data read unless IsCache=0 (simulated time); 0 turns the cache off")
	regionalLists := fs.Bool("regional-lists", true, "list regional instances only in the request's region (reference §9.2); false lists every region")
	stateFile := fs.String("state-file", "", "persist state in this JSON file")
	rateLimits := fs.Bool("rate-limits", true, "enforce the documented rate limits per action, access region and SecretId")
	updatePolls := fs.Int("update-creation-polls", 1, "update calls answered with DeployRecordId 0 before the task exists")
	faultsFile := fs.String("faults-file", "", "fault injection configuration (YAML or JSON)")
	verbose := fs.Bool("v", false, "log every API call")
	var faultRules, faultTargets listFlag
	fs.Var(&faultRules, "fault", "fault rule key=value,... (repeatable; keys: action, code, message, times, probability, latency, drop, afterHandling)")
	fs.Var(&faultTargets, "fault-target", "failing target key=value,... (repeatable; keys: resourceType, target, message, attempts)")
	if err := fs.Parse(args); err != nil {
		return sslsim.Options{}, "", err
	}
	if *secretID == "" || *secretKey == "" {
		return sslsim.Options{}, "", errors.New("--secret-id and --secret-key (or SSLSIM_SECRET_KEY) are required")
	}
	if *timeScale <= 0 {
		return sslsim.Options{}, "", fmt.Errorf("--time-scale must be positive")
	}
	lat, err := sslsim.ParseLatency(*latency)
	if err != nil {
		return sslsim.Options{}, "", fmt.Errorf("--latency: %w", err)
	}

	opts := sslsim.Options{
		Credentials:         map[string]string{*secretID: *secretKey},
		DeployDuration:      *deployDuration,
		TimeScale:           *timeScale,
		Seed:                *seed,
		Latency:             lat,
		InstanceCache:       *instanceCache,
		RegionalLists:       regionalLists,
		DisableRateLimits:   !*rateLimits,
		UpdateCreationPolls: *updatePolls,
		StateFile:           *stateFile,
	}
	if *instanceCache <= 0 {
		opts.InstanceCache = -1
	}
	if *updatePolls == 0 {
		opts.UpdateCreationPolls = -1
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if *inventory != "" {
		inv, err := sslsim.LoadInventory(*inventory)
		if err != nil {
			return sslsim.Options{}, "", err
		}
		opts.Inventory = inv
	}
	if *faultsFile != "" {
		data, err := os.ReadFile(*faultsFile)
		if err != nil {
			return sslsim.Options{}, "", fmt.Errorf("read faults: %w", err)
		}
		if err := yaml.UnmarshalStrict(data, &opts.Faults); err != nil {
			return sslsim.Options{}, "", fmt.Errorf("parse faults: %w", err)
		}
	}
	for _, s := range faultRules {
		r, err := sslsim.ParseFaultRule(s)
		if err != nil {
			return sslsim.Options{}, "", fmt.Errorf("--fault %q: %w", s, err)
		}
		opts.Faults.Rules = append(opts.Faults.Rules, r)
	}
	for _, s := range faultTargets {
		t, err := sslsim.ParseTargetFault(s)
		if err != nil {
			return sslsim.Options{}, "", fmt.Errorf("--fault-target %q: %w", s, err)
		}
		opts.Faults.Targets = append(opts.Faults.Targets, t)
	}
	return opts, *listen, nil
}
