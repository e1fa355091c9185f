package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
		return pathError("write", out, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return pathError("write", out, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return pathError("write", out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return pathError("write", out, err)
	}
	return nil
}

// pathError wraps err with what was being done to path, naming the path
// once: an *fs.PathError for path (or a file inside it) names it already
// ("write: mkdir out: permission denied", not "write out: mkdir out: …").
func pathError(verb, path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && strings.HasPrefix(pe.Path, path) {
		return fmt.Errorf("%s: %w", verb, err)
	}
	return fmt.Errorf("%s %s: %w", verb, path, err)
}
