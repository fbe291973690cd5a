// Command ramemu serves the RAM/STS emulator over HTTP or HTTPS.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/aliram/terraform-provider-aliram/internal/ramemu"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ramemu:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("ramemu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:18080", "address to listen on")
	accountsFile := fs.String("accounts", "", `JSON file {"accounts":[{"id","alias","access_key_id","access_key_secret"}]} (default: the two demo accounts)`)
	statePath := fs.String("state", "", "state file: loaded at start, every mutation persisted (default: in memory)")
	latency := fs.Duration("latency", 0, "latency added to every API call")
	qps := fs.Float64("throttle-qps", 0, "per-account request rate; excess answered Throttling.User (0 = off)")
	faultRate := fs.Float64("fault-rate", 0, "probability 0..1 of a random ServiceUnavailable 503")
	dropRate := fs.Float64("drop-response-rate", 0, "probability 0..1 that a write action is carried out and committed, then its answer lost (connection closed)")
	seed := fs.Int64("seed", 0, "seed for fault injection and lost answers (0 = time-based)")
	delay := fs.Duration("consistency-delay", 0, "new roles/users/policies/attachments stay invisible to Get/List this long, and new keys, attachments and trust documents take effect for STS and authorization only after it")
	systemTags := fs.Bool("system-tags", false, "add the acs: tags a real account's services add (acs:tag:createdby, acs:rm:rgId) to new roles and policies")
	logCalls := fs.Bool("log", false, "log one line per call to stderr (account, action, status, duration)")
	useTLS := fs.Bool("tls", false, "serve HTTPS with a self-signed certificate for 127.0.0.1/localhost")
	tlsDir := fs.String("tls-dir", "", "directory for the certificate PEM files (default: beside --state, else a temp dir)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}

	opts := ramemu.Options{
		StatePath: *statePath, Latency: *latency, ThrottleQPS: *qps, FaultRate: *faultRate, Seed: *seed,
		ConsistencyDelay: *delay, DropResponseRate: *dropRate, SystemTags: *systemTags, Secure: *useTLS,
	}
	if opts.Seed == 0 {
		opts.Seed = time.Now().UnixNano()
	}
	if *logCalls {
		opts.Log = stderr
	}
	if *accountsFile != "" {
		accts, err := readAccounts(*accountsFile)
		if err != nil {
			return err
		}
		opts.Accounts = accts
	}
	srv, err := ramemu.New(opts)
	if err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	scheme := "http"
	if *useTLS {
		dir := *tlsDir
		if dir == "" && *statePath != "" {
			dir = filepath.Dir(*statePath)
		}
		if dir == "" {
			dir, err = os.MkdirTemp("", "ramemu-tls-")
			if err != nil {
				return err
			}
		}
		certFile, keyFile, err := ramemu.GenerateSelfSignedCert(dir)
		if err != nil {
			return fmt.Errorf("tls certificate: %w", err)
		}
		pair, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return err
		}
		hs.TLSConfig = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, hs.TLSConfig)
		scheme = "https"
		fmt.Fprintf(stdout, "ramemu certificate %s (trust it with SSL_CERT_FILE=%s)\n", certFile, certFile)
	}
	fmt.Fprintf(stdout, "ramemu listening on %s://%s\n", scheme, ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hs.Shutdown(shutdownCtx); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "ramemu stopped")
	}
	return srv.Close()
}

func readAccounts(path string) ([]ramemu.Account, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		Accounts []ramemu.Account `json:"accounts"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("accounts file %s: %w", path, err)
	}
	if len(f.Accounts) == 0 {
		return nil, fmt.Errorf("accounts file %s lists no accounts", path)
	}
	return f.Accounts, nil
}
