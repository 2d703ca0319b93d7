// Command apigsim serves the Huawei Cloud APIG simulator over HTTP.
//
//	apigsim --listen 127.0.0.1:9100 --access-key AK --secret-key SK [--security-token TOKEN] \
//	  [--inventory FILE] [--fault action=AssociateCertificateV2,code=APIG.9999,times=1] [-v]
//
// The secret key may also be given in APIGSIM_SECRET_KEY to keep it out of the process list.
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

	"github.com/certsync/tencent-cert-operator/test/apigsim"
)

type listFlag []string

func (l *listFlag) String() string     { return fmt.Sprint(*l) }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func main() {
	if err := run(os.Args[1:], nil); err != nil {
		fmt.Fprintln(os.Stderr, "apigsim:", err)
		os.Exit(1)
	}
}

// run serves until SIGINT or SIGTERM; ready, when set, receives the listening address.
func run(args []string, ready chan<- string) error {
	fs := flag.NewFlagSet("apigsim", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:9100", "address to listen on")
	ak := fs.String("access-key", "", "accepted access key (required)")
	sk := fs.String("secret-key", os.Getenv("APIGSIM_SECRET_KEY"), "secret key of --access-key (or APIGSIM_SECRET_KEY)")
	token := fs.String("security-token", "", "X-Security-Token that --access-key must send, for temporary credentials")
	inventory := fs.String("inventory", "", "inventory file (YAML or JSON)")
	verbose := fs.Bool("v", false, "log every API call")
	var faults listFlag
	fs.Var(&faults, "fault", "fault rule key=value,... (repeatable; keys: action, code, status, message, times, latency, drop)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *ak == "" || *sk == "" {
		return errors.New("--access-key and --secret-key (or APIGSIM_SECRET_KEY) are required")
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	opts := apigsim.Options{
		Credentials: map[string]string{*ak: *sk},
		Logger:      slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
	}
	if *token != "" {
		opts.SecurityTokens = map[string]string{*ak: *token}
	}
	if *inventory != "" {
		inv, err := apigsim.LoadInventory(*inventory)
		if err != nil {
			return err
		}
		opts.Inventory = inv
	}
	for _, s := range faults {
		r, err := apigsim.ParseFaultRule(s)
		if err != nil {
			return fmt.Errorf("--fault %q: %w", s, err)
		}
		opts.Faults.Rules = append(opts.Faults.Rules, r)
	}
	sim, err := apigsim.Open(opts)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("apigsim listening on http://%s\n", ln.Addr())
	if ready != nil {
		ready <- ln.Addr().String()
	}
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
	return srv.Shutdown(shutdownCtx)
}
