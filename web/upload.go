package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf8"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/collector"
)

// Upload is what web upload needs: where files are recorded, the catalogue
// they are checked against, and the limits. A nil *Upload in Server
// disables upload.
type Upload struct {
	Ledger    vs.Ledger
	Catalogue *vs.Catalogue
	MaxBytes  int64             // largest file accepted; default 50 MiB (DefaultUploadMaxBytes)
	Options   collector.Options // limits on what the collector reads
	TempDir   string            // where uploads are spooled ("" = os.TempDir())
}

// DefaultUploadMaxBytes is the default of Upload.MaxBytes.
const DefaultUploadMaxBytes = 50 << 20

// formOverhead is what the request body may hold beyond the file itself:
// multipart boundaries, part headers and the small form fields.
const formOverhead = 64 << 10

// maxNameBytes caps the length of an uploaded file's name.
const maxNameBytes = 200

func (u *Upload) maxBytes() int64 {
	if u.MaxBytes <= 0 {
		return DefaultUploadMaxBytes
	}
	return u.MaxBytes
}

// routeUpload registers the upload routes:
//
//	GET  /upload  the form
//	POST /upload  a multipart/form-data body: the file in the field "file"
//	              and, optionally, "check" = 1, on, true or yes to validate
//	              and show what would change while storing nothing (also
//	              accepted as ?check=1).
//
// The answer is the validation report, as HTML or, when the client sends
// Accept: application/json or asks ?format=json, as the JSON of
// collector.Report:
//
//	curl -F file=@october.xlsx 'http://host:port/upload?format=json'
//
// Status codes: 200 the file was accepted (or is a duplicate, or passed a
// check), 422 it was rejected (the report is still in the body), 400 a
// malformed request (not multipart, no "file" part, an unusable file name),
// 403 a cross-site browser request, 405 another method, 413 a file or body
// over the limit, 500 an internal error (the detail is logged, never shown).
//
// Cross-site request forgery: a POST is refused (403) when a browser says it
// comes from another site, judged by http.CrossOriginProtection: the
// Sec-Fetch-Site header every current browser sends, or else the Origin
// header against Host. Requests carrying neither (curl, scripts) are
// allowed, so this protects the browser form, not an open server: anyone who
// can reach an upload-enabled server without --web.config.file can write.
//
// The client's file name is cut to its base name (after the last / or \);
// an empty name, a name of dots, or one with control characters is refused.
// It names the source and its problems; the file is spooled under that name
// in a fresh private directory, removed when the request ends.
//
// The submitter recorded with the source is the basic-auth user when the
// request carries one (checked by exporter-toolkit when --web.config.file
// sets users), otherwise the client's IP address as the connection gives it
// (X-Forwarded-For is not trusted).
func (s *Server) routeUpload(mux *http.ServeMux, funcs template.FuncMap) error {
	fm := template.FuncMap{"sizeWords": sizeWords, "outcomeColour": outcomeColour}
	for k, v := range funcs {
		fm[k] = v
	}
	t, err := template.New("upload").Funcs(fm).ParseFS(templateFS, "templates/layout.html", "templates/upload.html")
	if err != nil {
		return err
	}
	s.pages["upload"] = t
	mux.HandleFunc("GET /upload", s.uploadForm)
	mux.HandleFunc("POST /upload", s.uploadFile)
	return nil
}

// uploadPage is what upload.html shows: the form, and after a POST the
// report or an error.
type uploadPage struct {
	page
	MaxBytes         int64
	MaxRows, MaxCols int
	Error            string
	Report           *reportView
}

// reportView is a collector.Report laid out for the page.
type reportView struct {
	*collector.Report
	Outcome  string // accepted, rejected, duplicate, checked, check-failed
	Summary  string
	Changes  []changeView
	Problems []problemView
	Warnings []problemView
}

type problemView struct {
	Where, Field, Reason, Hint string
}

type changeView struct {
	Indicator, Name, Team, Period, Old, New string
}

func (s *Server) uploadPage(title string) uploadPage {
	u := s.Upload
	opt := u.Options
	p := uploadPage{
		page:     page{Title: title, Base: s.Base, Upload: true},
		MaxBytes: u.maxBytes(), MaxRows: opt.MaxRows, MaxCols: opt.MaxCols,
	}
	if opt.MaxBytes > 0 && opt.MaxBytes < p.MaxBytes {
		p.MaxBytes = opt.MaxBytes
	}
	if p.MaxRows <= 0 {
		p.MaxRows = collector.DefaultMaxRows
	}
	if p.MaxCols <= 0 {
		p.MaxCols = collector.DefaultMaxCols
	}
	if u.Catalogue != nil {
		p.Authority = u.Catalogue.Authority.Name
	}
	return p
}

func (s *Server) uploadForm(w http.ResponseWriter, _ *http.Request) {
	s.renderUpload(w, http.StatusOK, s.uploadPage("Upload a return"))
}

func (s *Server) renderUpload(w http.ResponseWriter, code int, p uploadPage) {
	var buf bytes.Buffer
	if err := s.pages["upload"].ExecuteTemplate(&buf, "upload.html", p); err != nil {
		s.Logger.Error("render page", "page", "upload", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

// wantsJSON reports whether the client asked for JSON.
func wantsJSON(r *http.Request) bool {
	switch r.URL.Query().Get("format") {
	case "json":
		return true
	case "html":
		return false
	}
	for _, a := range r.Header.Values("Accept") {
		if strings.Contains(a, "application/json") {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w) // escapes <, > and & too
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// uploadError answers a request that got no report: msg is safe to show.
func (s *Server) uploadError(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if wantsJSON(r) {
		writeJSON(w, code, struct {
			Error string `json:"error"`
		}{msg})
		return
	}
	p := s.uploadPage("Upload failed")
	p.Error = msg
	s.renderUpload(w, code, p)
}

// errTooLarge marks a file or body over the limit.
var errTooLarge = errors.New("too large")

// badRequest is a malformed request; its text is safe to show.
type badRequest string

func (b badRequest) Error() string { return string(b) }

func (s *Server) uploadFile(w http.ResponseWriter, r *http.Request) {
	log := s.Logger.With("component", "upload")
	if err := http.NewCrossOriginProtection().Check(r); err != nil {
		log.Warn("cross-origin upload refused", "origin", r.Header.Get("Origin"),
			"sec_fetch_site", r.Header.Get("Sec-Fetch-Site"), "remote", r.RemoteAddr)
		s.uploadError(w, r, http.StatusForbidden, "cross-site upload refused: use the form on this server's own upload page")
		return
	}
	u := s.Upload
	maxBytes := u.maxBytes()
	tooLarge := fmt.Sprintf("the upload is larger than the limit of %s", sizeWords(maxBytes))
	limit := maxBytes + formOverhead
	if r.ContentLength > limit {
		s.uploadError(w, r, http.StatusRequestEntityTooLarge, tooLarge)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)

	check, err := parseCheck(r.URL.Query().Get("check"))
	if err != nil {
		s.uploadError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	if u.TempDir != "" {
		err = os.MkdirAll(u.TempDir, 0o700)
	}
	var dir string
	if err == nil {
		dir, err = os.MkdirTemp(u.TempDir, "vitalsigns-upload-")
	}
	if err != nil && diskFull(err) {
		log.Error("spool upload: the disk is full", "dir", u.TempDir, "err", err)
		s.uploadError(w, r, http.StatusInsufficientStorage, diskFullMessage)
		return
	}
	if err != nil {
		log.Error("spool upload", "err", err)
		s.uploadError(w, r, http.StatusInternalServerError, "internal error")
		return
	}
	defer func() {
		if err := os.RemoveAll(dir); err != nil {
			log.Error("remove spooled upload", "err", err)
		}
	}()
	path, formCheck, err := spool(r, dir, maxBytes)
	var bad badRequest
	switch {
	case errors.Is(err, errTooLarge):
		log.Info("upload too large", "limit", maxBytes, "remote", r.RemoteAddr)
		s.uploadError(w, r, http.StatusRequestEntityTooLarge, tooLarge)
		return
	case errors.As(err, &bad):
		log.Info("upload refused", "reason", string(bad), "remote", r.RemoteAddr)
		s.uploadError(w, r, http.StatusBadRequest, string(bad))
		return
	case diskFull(err):
		log.Error("spool upload: the disk is full", "dir", u.TempDir, "err", err)
		s.uploadError(w, r, http.StatusInsufficientStorage, diskFullMessage)
		return
	case err != nil:
		log.Error("spool upload", "err", err)
		s.uploadError(w, r, http.StatusInternalServerError, "internal error")
		return
	}
	check = check || formCheck

	submitter := submitterOf(r)
	opt := u.Options
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = maxBytes // the upload's limit is the one in force
	}
	s.uploadMu.Lock()
	rep, err := collector.Ingest(r.Context(), u.Ledger, path, u.Catalogue, collector.IngestOptions{
		Options: opt, DryRun: check, Via: vs.ViaUpload, Submitter: submitter})
	s.uploadMu.Unlock()
	if err != nil && r.Context().Err() != nil {
		log.Info("upload abandoned by the client", "file", filepath.Base(path), "submitter", submitter, "err", err)
		return
	}
	if err != nil && diskFull(err) {
		log.Error("ingest upload: the disk is full", "file", filepath.Base(path), "submitter", submitter, "err", err)
		s.uploadError(w, r, http.StatusInsufficientStorage, diskFullMessage)
		return
	}
	var ie *vs.IngestError
	if errors.As(err, &ie) && ie.Reason == vs.ReasonStore {
		// The store's write lock stayed taken (another ingest) or it
		// could not be written: not the file's fault, and worth trying
		// again.
		log.Error("ingest upload: the store could not take it", "file", filepath.Base(path), "submitter", submitter, "err", err)
		w.Header().Set("Retry-After", "60")
		s.uploadError(w, r, http.StatusServiceUnavailable, storeBusyMessage)
		return
	}
	if err != nil {
		log.Error("ingest upload", "file", filepath.Base(path), "submitter", submitter, "err", err)
		s.uploadError(w, r, http.StatusInternalServerError, "internal error")
		return
	}
	code := http.StatusOK
	attrs := []any{"file", rep.File, "submitter", submitter, "check", check, "rows", rep.Rows, "source", rep.SourceID}
	if len(rep.Problems) > 0 {
		code = http.StatusUnprocessableEntity
		log.Warn("upload rejected", append(attrs, "problems", len(rep.Problems))...)
	} else {
		log.Info("upload accepted", append(attrs, "new", rep.New, "revised", rep.Revised, "duplicate", rep.Duplicate)...)
	}
	if wantsJSON(r) {
		writeJSON(w, code, rep)
		return
	}
	p := s.uploadPage("Upload report: " + rep.File)
	p.Report = s.view(rep)
	s.renderUpload(w, code, p)
}

// parseCheck reads the "check only" switch.
func parseCheck(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "0", "off", "false", "no":
		return false, nil
	case "1", "on", "true", "yes":
		return true, nil
	}
	return false, badRequest(fmt.Sprintf("check must be 1 or 0, not %s", vs.Quote(v)))
}

// spool reads the multipart body, writing the "file" part to dir under its
// cleaned name. It returns the file's path and the form's "check" switch.
func spool(r *http.Request, dir string, limit int64) (path string, check bool, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", false, badRequest("the request must be multipart/form-data with the file in the field \"file\"")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", false, bodyErr(err)
		}
		switch part.FormName() {
		case "file":
			if path != "" {
				return "", false, badRequest("send one file per upload")
			}
			name, err := baseName(rawFileName(part))
			if err != nil {
				return "", false, err
			}
			path = filepath.Join(dir, name)
			if err := copyPart(path, part, limit); err != nil {
				return "", false, err
			}
		case "check":
			v, err := io.ReadAll(io.LimitReader(part, 64))
			if err != nil {
				return "", false, bodyErr(err)
			}
			c, err := parseCheck(string(v))
			if err != nil {
				return "", false, err
			}
			check = check || c
		default:
			if _, err := io.Copy(io.Discard, part); err != nil {
				return "", false, bodyErr(err)
			}
		}
	}
	if path == "" {
		return "", false, badRequest("no file: send it in the form field \"file\"")
	}
	return path, check, nil
}

// rawFileName returns the filename parameter as the client sent it:
// multipart.Part.FileName already drops everything up to the last / (on
// this system), but the whole name is wanted so that C:\x\y.csv and
// a/b\c.csv are cut alike, by baseName.
func rawFileName(part *multipart.Part) string {
	if _, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition")); err == nil {
		if fn, ok := params["filename"]; ok {
			return fn
		}
	}
	return part.FileName()
}

// copyPart writes the part to a new file at path, refusing more than limit
// bytes.
func copyPart(path string, part io.Reader, limit int64) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create spool file: %w", err)
	}
	err = spoolTo(f, part, limit)
	if cerr := f.Close(); err == nil && cerr != nil {
		return fmt.Errorf("write spool file: %w", cerr)
	}
	return err
}

// spoolTo copies at most limit bytes of part to w. A failure to read is
// the client's (bodyErr); a failure to write is the server's, such as a
// full disk, and is returned wrapped as such.
func spoolTo(w io.Writer, part io.Reader, limit int64) error {
	ew := &errWriter{w: w}
	n, err := io.Copy(ew, io.LimitReader(part, limit+1))
	switch {
	case ew.err != nil:
		return fmt.Errorf("write spool file: %w", ew.err)
	case err != nil:
		return bodyErr(err)
	case n > limit:
		return errTooLarge
	}
	return nil
}

// errWriter remembers its writer's error, to tell it from a reader's.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}

// diskFull reports whether err is the server running out of disk space.
func diskFull(err error) bool { return errors.Is(err, syscall.ENOSPC) }

// storeBusyMessage is what an uploader is told when the store could not
// take their file: not its fault, and nothing was stored.
const storeBusyMessage = "the server's store is busy with other work or could not be written, so the upload was not stored; nothing was changed, and it is not your file's fault. Send it again in a minute."

// diskFullMessage is what an uploader is told when the server's disk is
// full: not their file's fault, and nothing was stored.
const diskFullMessage = "the server has run out of disk space, so the upload was not stored; nothing was changed. Tell whoever runs vitalsigns, then send the file again."

// bodyErr classifies an error reading the request body.
func bodyErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errTooLarge
	}
	return badRequest("the upload was cut short or is not well-formed multipart data")
}

// baseName cleans the client's file name to its last element, after any /
// or \, and refuses what cannot name a file.
func baseName(s string) (string, error) {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", badRequest("the file has no name")
	case strings.Trim(s, ".") == "":
		return "", badRequest(fmt.Sprintf("%s is not a file name", vs.Quote(s)))
	case !utf8.ValidString(s):
		return "", badRequest("the file name is not UTF-8")
	case !isClean(s):
		return "", badRequest("the file name has control or invisible formatting characters (such as a right-to-left override, which disguises a name); rename the file")
	case len(s) > maxNameBytes:
		return "", badRequest(fmt.Sprintf("the file name is longer than %d bytes", maxNameBytes))
	case !filepath.IsLocal(s) || filepath.Base(s) != s:
		// Belt and braces: reserved names on Windows, or a separator the
		// cut above did not know.
		return "", badRequest(fmt.Sprintf("%s cannot be used as a file name", vs.Quote(s)))
	}
	return s, nil
}

func isClean(s string) bool {
	_, clean := vs.CleanName(s)
	return clean
}

// submitterOf names who sent the request: the basic-auth user, else the
// client's IP address.
func submitterOf(r *http.Request) string {
	if user, _, ok := r.BasicAuth(); ok && user != "" {
		return user
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// view lays a report out for the page.
func (s *Server) view(rep *collector.Report) *reportView {
	v := &reportView{Report: rep}
	switch {
	case len(rep.Problems) > 0 && rep.DryRun:
		v.Outcome = "check-failed"
		v.Summary = fmt.Sprintf("Check only: this file would be rejected: %s in %s. Nothing was stored.", count(len(rep.Problems), "problem"), count(rep.Rows, "row"))
	case len(rep.Problems) > 0:
		v.Outcome = "rejected"
		v.Summary = fmt.Sprintf("Rejected: %s in %s. Nothing was stored: fix the file and upload it again.", count(len(rep.Problems), "problem"), count(rep.Rows, "row"))
	case rep.Duplicate:
		v.Outcome = "duplicate"
		v.Summary = fmt.Sprintf("Already received: this file is the same as source %d. Nothing to do.", rep.DuplicateOf)
	case rep.DryRun:
		v.Outcome = "checked"
		v.Summary = fmt.Sprintf("Check only: no problems in %s. Storing it would add %d new, revise %d and leave %d unchanged. Nothing was stored.",
			count(rep.Rows, "row"), rep.New, rep.Revised, rep.Unchanged)
	default:
		v.Outcome = "accepted"
		v.Summary = fmt.Sprintf("Accepted: %s: %d new, %d revised, %d unchanged (source %d).",
			count(rep.Rows, "row"), rep.New, rep.Revised, rep.Unchanged, rep.SourceID)
	}
	v.Problems = problemViews(rep.Problems)
	v.Warnings = problemViews(rep.Warnings)
	for _, c := range rep.Changes {
		cv := changeView{Indicator: c.Indicator, Name: c.Indicator, Team: c.Team, Period: c.Period, Old: c.Old, New: c.New}
		if cat := s.Upload.Catalogue; cat != nil {
			if ind, ok := cat.Indicator(c.Indicator); ok {
				cv.Name = ind.Name
			}
			if t, ok := cat.Team(c.Team); ok {
				cv.Team = t.Name
			}
		}
		v.Changes = append(v.Changes, cv)
	}
	return v
}

func problemViews(ps vs.Problems) []problemView {
	var out []problemView
	for _, p := range ps {
		out = append(out, problemView{Where: where(p), Field: p.Field, Reason: p.Reason, Hint: p.Hint})
	}
	return out
}

// where locates a problem within its file: Sheet!C7 or 12:3, or "whole
// file".
func where(p vs.Problem) string {
	p.File = ""
	if w := strings.TrimPrefix(p.Where(), ":"); w != "" {
		return w
	}
	return "whole file"
}

// count renders n things: "1 row", "3 rows".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// outcomeColour is the colour that marks an outcome on the report page.
func outcomeColour(outcome string) template.CSS {
	switch outcome {
	case "accepted", "checked":
		return "var(--green)"
	case "rejected", "check-failed":
		return "var(--red)"
	}
	return "var(--grey)"
}

// sizeWords renders a byte count for people: 50 MiB, 12 KiB.
func sizeWords(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
