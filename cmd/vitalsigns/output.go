package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeOutput writes what write produces to out, or to standard output
// when out is "" or "-". A file is written beside its target and renamed
// over it, so a failure leaves no half-written file.
func (a *app) writeOutput(out string, write func(io.Writer) error) error {
	if out == "" || out == "-" {
		return write(a.stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".vitalsigns-*"+filepath.Ext(out))
	if err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return nil
}
