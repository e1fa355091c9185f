package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/vitalsigns/vitalsigns/internal/testenv"
)

// selfSigned writes a certificate for 127.0.0.1 and its key into dir.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "vitalsigns test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "vitalsigns.crt"), filepath.Join(dir, "vitalsigns.key")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// docs/web-config.yml, with its certificate paths pointed at files that
// exist, passes promtool; and serve with it speaks TLS and asks for basic
// auth on every route, /metrics included.
func TestWebConfigFile(t *testing.T) {
	promtool := testenv.Promtool(t)
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	example, err := os.ReadFile(filepath.Join("..", "..", "docs", "web-config.yml"))
	if err != nil {
		t.Fatal(err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.NewReplacer("/etc/vitalsigns/tls/vitalsigns.crt", certFile, "/etc/vitalsigns/tls/vitalsigns.key", keyFile).Replace(string(example))
	cfg = strings.Replace(cfg, "basic_auth_users:\n", "basic_auth_users:\n  tester: "+string(hash)+"\n", 1)
	path := writeFile(t, dir, "web-config.yml", cfg)
	if out, err := exec.Command(promtool, "check", "web-config", path).CombinedOutput(); err != nil {
		t.Fatalf("promtool check web-config: %v\n%s", err, out)
	}

	s := startServe(t, "--demo", "--web.config.file", path, "--web.enable-upload")
	if strings.Contains(s.logs.String(), "WITHOUT AUTHENTICATION") {
		t.Error("warned about upload without authentication although a web config is given")
	}
	url := strings.Replace(s.url, "http://", "https://", 1)
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for _, tt := range []struct {
		path, user, pass string
		code             int
	}{
		{"/metrics", "", "", http.StatusUnauthorized},
		{"/metrics", "tester", "wrong", http.StatusUnauthorized},
		{"/metrics", "tester", "s3cret", http.StatusOK},
		{"/upload", "", "", http.StatusUnauthorized},
		{"/api/v1/indicators/agency_rate/assessment", "tester", "s3cret", http.StatusOK},
	} {
		req, _ := http.NewRequest("GET", url+tt.path, nil)
		if tt.user != "" {
			req.SetBasicAuth(tt.user, tt.pass)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", tt.path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.code {
			t.Errorf("GET %s as %q: %d, want %d", tt.path, tt.user, resp.StatusCode, tt.code)
		}
	}
	// Plain HTTP is refused.
	if resp, err := http.Get(s.url + "/metrics"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("plain HTTP served /metrics with TLS configured")
		}
	}
}

// A broken web config is a usage error that names the file, before
// anything starts.
func TestWebConfigFileInvalid(t *testing.T) {
	path := writeFile(t, t.TempDir(), "web.yml", "tls_server_config:\n  cert_file: /nonexistent.crt\n  key_file: /nonexistent.key\n")
	_, stderr, code := vitalsigns(t, "serve", "--demo", "--web.listen-address", "127.0.0.1:0", "--web.config.file", path)
	if code != 2 || !strings.Contains(stderr, "--web.config.file "+path) {
		t.Errorf("exit %d, stderr %q; want 2 naming the file", code, stderr)
	}
}

// Without a web config, enabling upload warns loudly.
func TestUploadWithoutAuthWarns(t *testing.T) {
	s := startServe(t, "--demo", "--web.enable-upload")
	if !strings.Contains(s.logs.String(), "WEB UPLOAD IS ON WITHOUT AUTHENTICATION") {
		t.Errorf("no warning in the logs:\n%s", s.logs.String())
	}
}
