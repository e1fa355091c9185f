package web

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
)

// TestSpoolToFullDisk: a write that fails because the disk is full is the
// server's failure, told to the uploader as such; it used to be reported
// as "the upload was cut short or is not well-formed" (issue 12.7).
// /dev/full answers every write with ENOSPC, as a full file system does.
func TestSpoolToFullDisk(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full here: %v", err)
	}
	defer full.Close()
	err = spoolTo(full, strings.NewReader(strings.Repeat("2026-09,agency_rate,,25%\n", 1000)), 1<<20)
	var bad badRequest
	if !diskFull(err) || errors.As(err, &bad) {
		t.Fatalf("spooling to a full disk: %v (bad request: %v), want a disk-full error", err, errors.As(err, &bad))
	}
	if !strings.Contains(diskFullMessage, "disk space") || !strings.Contains(diskFullMessage, "nothing was changed") {
		t.Errorf("message %q does not say what happened", diskFullMessage)
	}

	// A body that breaks off is still the client's.
	err = spoolTo(io.Discard, iotest.ErrReader(io.ErrUnexpectedEOF), 1<<20)
	if !errors.As(err, &bad) || diskFull(err) {
		t.Errorf("a broken body: %v, want a bad request", err)
	}
	if err := spoolTo(io.Discard, strings.NewReader("abc"), 2); !errors.Is(err, errTooLarge) {
		t.Errorf("over the limit: %v, want errTooLarge", err)
	}
}
