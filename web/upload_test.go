package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	vs "github.com/vitalsigns/vitalsigns"
	"github.com/vitalsigns/vitalsigns/assess"
	"github.com/vitalsigns/vitalsigns/collector"
	"github.com/vitalsigns/vitalsigns/store"
	"github.com/vitalsigns/vitalsigns/web"
)

func uploadCatalogue() *vs.Catalogue {
	return &vs.Catalogue{
		Authority: vs.Authority{Name: "Test Council"},
		Teams:     []vs.Team{{ID: "north", Name: "North"}, {ID: "south", Name: "South"}},
		Indicators: []vs.Indicator{
			{ID: "agency_rate", Name: "Agency social worker rate", Aliases: []string{"% agency SWs"}, Unit: vs.UnitPercent,
				Polarity: vs.LowerIsBetter, Frequency: vs.Monthly},
			{ID: "caseload_avg", Name: "Average caseload per social worker", Unit: vs.UnitNumber,
				Polarity: vs.LowerIsBetter, Frequency: vs.Monthly},
		},
	}
}

const (
	goodCSV = "Period,Indicator,Team,Value,Commentary\n" +
		"2026-09,% agency SWs,,25%,One in four\n" +
		"2026-09,Average caseload per social worker,North,17.5,\n" +
		"2026-09,Average caseload per social worker,South,21,\n"
	// badCSV has one bad value (line 3, column 50) among good rows.
	badCSV = "Period,Indicator,Team,Value,Commentary\n" +
		"2026-10,% agency SWs,,24%,\n" +
		"2026-10,Average caseload per social worker,North,twenty,\n" +
		"2026-10,Average caseload per social worker,South,20,\n"
)

// badXLSX is a workbook whose only problem is the text "twenty" in
// 'Vital Signs'!D5.
func badXLSX(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "Vital Signs")
	f.SetSheetRow("Vital Signs", "A1", &[]any{"Vital Signs return"})
	f.SetSheetRow("Vital Signs", "A3", &[]any{"Period", "Indicator", "Team", "Value"})
	f.SetSheetRow("Vital Signs", "A4", &[]any{"2026-10", "% agency SWs", "", 0.24})
	f.SetSheetRow("Vital Signs", "A5", &[]any{"2026-10", "Average caseload per social worker", "North", "twenty"})
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type uploadEnv struct {
	ts      *httptest.Server
	st      *store.Store
	spool   string
	upload  *web.Upload
	handler http.Handler
}

func newUploadEnv(t *testing.T, maxBytes int64) *uploadEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	spool := filepath.Join(dir, "spool")
	if err := os.Mkdir(spool, 0o700); err != nil {
		t.Fatal(err)
	}
	cat := uploadCatalogue()
	up := &web.Upload{Ledger: st, Catalogue: cat, MaxBytes: maxBytes, TempDir: spool}
	snap := assess.Build(cat, nil, vs.IngestStats{}, time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))
	s := &web.Server{Snapshot: func() *assess.Snapshot { return snap }, Reader: st, Upload: up}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return &uploadEnv{ts: ts, st: st, spool: spool, upload: up, handler: h}
}

// form builds a multipart body with the file part (filename as given, raw)
// and any extra fields.
func form(t *testing.T, filename string, content []byte, fields ...string) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	if content != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`,
			strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(filename)))
		h.Set("Content-Type", "application/octet-stream")
		p, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		p.Write(content)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), buf.Bytes()
}

type reply struct {
	code int
	body string
	hdr  http.Header
}

func (e *uploadEnv) post(t *testing.T, query, filename string, content []byte, hdr http.Header, fields ...string) reply {
	t.Helper()
	ctype, body := form(t, filename, content, fields...)
	req, err := http.NewRequest(http.MethodPost, e.ts.URL+"/upload"+query, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, string(b), resp.Header}
}

type state struct {
	Latest  []vs.Observation
	Sources []vs.Source
}

func (e *uploadEnv) state(t *testing.T) state {
	t.Helper()
	ctx := context.Background()
	l, err := e.st.Latest(ctx, vs.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return state{l, s}
}

// assertSpoolEmpty checks that no upload was left behind.
func (e *uploadEnv) assertSpoolEmpty(t *testing.T) {
	t.Helper()
	left, err := os.ReadDir(e.spool)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Errorf("spool directory not cleaned up: %v", left)
	}
}

func contains(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
	if t.Failed() {
		t.Logf("%s:\n%s", what, body)
	}
}

func TestUploadGoodCSV(t *testing.T) {
	e := newUploadEnv(t, 0)
	r := e.post(t, "", "september.csv", []byte(goodCSV), nil)
	if r.code != http.StatusOK {
		t.Fatalf("upload: %d, want 200\n%s", r.code, r.body)
	}
	if ct := r.hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type %q, want HTML", ct)
	}
	contains(t, "report", r.body, "Accepted: 3 rows: 3 new, 0 revised, 0 unchanged (source 1).", "september.csv")
	st := e.state(t)
	if len(st.Latest) != 3 {
		t.Fatalf("stored %d figures, want 3: %+v", len(st.Latest), st.Latest)
	}
	got := map[string]float64{}
	for _, o := range st.Latest {
		got[o.Indicator+"/"+o.Team] = o.Value.Float64
	}
	want := map[string]float64{"agency_rate/authority": 0.25, "caseload_avg/north": 17.5, "caseload_avg/south": 21}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored figures (-want +got):\n%s", diff)
	}
	if len(st.Sources) != 1 {
		t.Fatalf("sources: %+v", st.Sources)
	}
	if src := st.Sources[0]; !src.Accepted || src.Via != vs.ViaUpload || src.Submitter != "127.0.0.1" || src.Name != "september.csv" {
		t.Errorf("source: %+v, want accepted upload of september.csv from 127.0.0.1", src)
	}

	// The same file again is a duplicate: 200, nothing new.
	r = e.post(t, "?format=json", "september.csv", []byte(goodCSV), nil)
	var rep collector.Report
	if err := json.Unmarshal([]byte(r.body), &rep); err != nil || r.code != http.StatusOK || !rep.Duplicate || rep.DuplicateOf != 1 {
		t.Errorf("duplicate: %d %+v %v", r.code, rep, err)
	}

	// A revision by a basic-auth user shows old → new and names the user.
	revised := strings.Replace(goodCSV, "North,17.5", "North,18", 1)
	hdr := http.Header{}
	hdr.Set("Authorization", "Basic "+basic("alice", "secret"))
	r = e.post(t, "", "september-v2.csv", []byte(revised), hdr)
	if r.code != http.StatusOK {
		t.Fatalf("revision: %d\n%s", r.code, r.body)
	}
	contains(t, "revision report", r.body, "0 new, 1 revised, 2 unchanged", "Average caseload per social worker", "<td>North</td>", ">17.5<", ">18<")
	if src := e.state(t).Sources[0]; src.Submitter != "alice" {
		t.Errorf("submitter %q, want alice", src.Submitter)
	}
	e.assertSpoolEmpty(t)
}

func basic(user, pass string) string {
	req, _ := http.NewRequest("GET", "/", nil)
	req.SetBasicAuth(user, pass)
	return strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
}

// A bad file stores nothing, is recorded as a rejected source and answers
// 422 with every problem located, as HTML or as JSON.
func TestUploadBadFile(t *testing.T) {
	xlsx := badXLSX(t)
	for _, tc := range []struct {
		name, file, query string
		content           []byte
		accept            string
		where, field      string
	}{
		{name: "xlsx html", file: "october.xlsx", content: xlsx, where: "'Vital Signs'!D5", field: "Value"},
		{name: "xlsx json", file: "october.xlsx", content: xlsx, accept: "application/json", where: "'Vital Signs'!D5", field: "Value"},
		{name: "csv html", file: "october.csv", content: []byte(badCSV), where: "3:50", field: "Value"},
		{name: "csv json", file: "october.csv", content: []byte(badCSV), query: "?format=json", where: "3:50", field: "Value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newUploadEnv(t, 0)
			hdr := http.Header{}
			if tc.accept != "" {
				hdr.Set("Accept", tc.accept)
			}
			r := e.post(t, tc.query, tc.file, tc.content, hdr)
			if r.code != http.StatusUnprocessableEntity {
				t.Fatalf("got %d, want 422\n%s", r.code, r.body)
			}
			st := e.state(t)
			if len(st.Latest) != 0 {
				t.Errorf("a rejected file stored %d figures", len(st.Latest))
			}
			if len(st.Sources) != 1 || st.Sources[0].Accepted || st.Sources[0].Name != tc.file || st.Sources[0].Via != vs.ViaUpload {
				t.Fatalf("want one rejected upload source named %s: %+v", tc.file, st.Sources)
			}
			var stored collector.Report
			if err := json.Unmarshal([]byte(st.Sources[0].Report), &stored); err != nil {
				t.Fatal(err)
			}
			if len(stored.Problems) != 1 {
				t.Fatalf("stored problems: %v, want one", stored.Problems)
			}
			p := stored.Problems[0]
			if got := strings.TrimPrefix(p.Where(), tc.file+":"); strings.TrimSpace(got) != tc.where || p.Field != tc.field || !strings.Contains(p.Reason, `"twenty"`) {
				t.Fatalf("stored problem %+v: want %s in %s quoting \"twenty\"", p, tc.where, tc.field)
			}

			if tc.accept != "" || tc.query != "" {
				if ct := r.hdr.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type %q", ct)
				}
				var got collector.Report
				if err := json.Unmarshal([]byte(r.body), &got); err != nil {
					t.Fatalf("body is not a report: %v\n%s", err, r.body)
				}
				if diff := cmp.Diff(stored.Problems, got.Problems); diff != "" {
					t.Errorf("problems (-stored +answered):\n%s", diff)
				}
				if got.Accepted || got.SourceID != st.Sources[0].ID {
					t.Errorf("report: accepted=%v source=%d, want rejected source %d", got.Accepted, got.SourceID, st.Sources[0].ID)
				}
				return
			}
			contains(t, "report", r.body, "Rejected: 1 problem in ", "Nothing was stored",
				"<code>"+template.HTMLEscapeString(tc.where)+"</code>",
				"<td>"+template.HTMLEscapeString(p.Reason)+"</td>")
			e.assertSpoolEmpty(t)
		})
	}
}

func TestUploadCheckOnly(t *testing.T) {
	for _, tc := range []struct {
		name, query string
		fields      []string
		content     string
		code        int
		want        string
	}{
		{"good form field", "", []string{"check", "on"}, goodCSV, 200, "Check only: no problems in 3 rows. Storing it would add 3 new"},
		{"good query", "?check=1", nil, goodCSV, 200, "Check only: no problems in 3 rows."},
		{"good field after file", "", nil, goodCSV, 200, "Check only: no problems"},
		{"bad", "?check=true", nil, badCSV, 422, "Check only: this file would be rejected: 1 problem in 3 rows."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newUploadEnv(t, 0)
			var r reply
			if tc.name == "good field after file" {
				r = e.postRaw(t, "", func(mw *multipart.Writer) {
					fw, _ := mw.CreateFormFile("file", "x.csv")
					fw.Write([]byte(tc.content))
					mw.WriteField("check", "1")
				}, nil)
			} else {
				r = e.post(t, tc.query, "x.csv", []byte(tc.content), nil, tc.fields...)
			}
			if r.code != tc.code {
				t.Fatalf("got %d, want %d\n%s", r.code, tc.code, r.body)
			}
			contains(t, "report", r.body, tc.want)
			if st := e.state(t); len(st.Latest) != 0 || len(st.Sources) != 0 {
				t.Errorf("check only stored something: %+v", st)
			}
			e.assertSpoolEmpty(t)
		})
	}
}

func (e *uploadEnv) postRaw(t *testing.T, query string, build func(*multipart.Writer), hdr http.Header) reply {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	build(mw)
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, "/upload"+query, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range hdr {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	return reply{rec.Code, rec.Body.String(), rec.Header()}
}

func TestUploadTooLarge(t *testing.T) {
	const limit = 1 << 10
	big := []byte(goodCSV + strings.Repeat("# padding row\n", limit/8))
	for _, tc := range []struct {
		name    string
		content []byte
		json    bool
	}{
		// Over MaxBytes but within the allowance for the form: the count
		// of the file's own bytes stops it.
		{"file over the limit", big, false},
		// Far over: the body limit stops it, or Content-Length before it.
		{"body far over the limit", bytes.Repeat([]byte("x"), 1<<20), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newUploadEnv(t, limit)
			q := ""
			if tc.json {
				q = "?format=json"
			}
			r := e.post(t, q, "big.csv", tc.content, nil)
			if r.code != http.StatusRequestEntityTooLarge {
				t.Fatalf("got %d, want 413\n%s", r.code, r.body)
			}
			contains(t, "answer", r.body, "larger than the limit of 1 KiB")
			if st := e.state(t); len(st.Latest) != 0 || len(st.Sources) != 0 {
				t.Errorf("a too-large upload stored something: %+v", st)
			}
			e.assertSpoolEmpty(t)
		})
	}

	// Without Content-Length (chunked), the body limit itself answers.
	e := newUploadEnv(t, limit)
	ctype, body := form(t, "big.csv", bytes.Repeat([]byte("x"), 1<<20))
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/upload", io.MultiReader(bytes.NewReader(body)))
	req.Header.Set("Content-Type", ctype)
	req.ContentLength = -1
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked: got %d, want 413\n%s", rec.Code, rec.Body)
	}
	if st := e.state(t); len(st.Sources) != 0 {
		t.Errorf("a too-large upload stored something: %+v", st)
	}
	e.assertSpoolEmpty(t)
}

// The client's file name names the source by its base name only, and never
// reaches the file system as a path.
func TestUploadFileName(t *testing.T) {
	for _, tc := range []struct {
		sent, want string
		code       int
	}{
		{"../../etc/passwd.csv", "passwd.csv", 200},
		{`C:\x\y.csv`, "y.csv", 200},
		{`..\..\windows\win.csv`, "win.csv", 200},
		{"/tmp/abs.csv", "abs.csv", 200},
		{"  spaced name.csv ", "spaced name.csv", 200},
		{"", "", 400},
		{".", "", 400},
		{"..", "", 400},
		{"a/..", "", 400},
		{`x\`, "", 400},
		{"bad\nname.csv", "", 400},
		{"report\u202exslx.csv", "", 400}, // a right-to-left override disguises the name (issue 12.7)
		{"zero\u200bwidth.csv", "", 400},
		{strings.Repeat("n", 300) + ".csv", "", 400},
	} {
		t.Run(tc.sent, func(t *testing.T) {
			e := newUploadEnv(t, 0)
			r := e.post(t, "?format=json", tc.sent, []byte(goodCSV), nil)
			if r.code != tc.code {
				t.Fatalf("got %d, want %d\n%s", r.code, tc.code, r.body)
			}
			st := e.state(t)
			if tc.code != 200 {
				if len(st.Sources) != 0 {
					t.Errorf("refused name stored a source: %+v", st.Sources)
				}
				var msg struct{ Error string }
				if err := json.Unmarshal([]byte(r.body), &msg); err != nil || msg.Error == "" {
					t.Errorf("error body %q: %v", r.body, err)
				}
				return
			}
			if len(st.Sources) != 1 || st.Sources[0].Name != tc.want {
				t.Errorf("sources %+v, want one named %q", st.Sources, tc.want)
			}
			e.assertSpoolEmpty(t)
		})
	}
}

// Spreadsheet text that looks like markup is shown as text.
func TestUploadEscapesCellText(t *testing.T) {
	e := newUploadEnv(t, 0)
	evil := "<script>alert(1)</script>"
	csv := "Period,Indicator,Team,Value\n2026-10,Average caseload per social worker," + evil + ",17\n"
	r := e.post(t, "", "<img src=x onerror=alert(1)>.csv", []byte(csv), nil)
	if r.code != http.StatusUnprocessableEntity {
		t.Fatalf("got %d, want 422\n%s", r.code, r.body)
	}
	contains(t, "report", r.body, "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;.csv")
	for _, bad := range []string{evil, "<img"} {
		if strings.Contains(r.body, bad) {
			t.Errorf("report holds %q unescaped", bad)
		}
	}
	// JSON escapes it too, so a browser sniffing it cannot run it.
	r = e.post(t, "?format=json", "x.csv", []byte(csv), nil)
	if strings.Contains(r.body, "<script>") {
		t.Errorf("JSON holds markup unescaped:\n%s", r.body)
	}
}

func TestUploadDisabled(t *testing.T) {
	ts, _ := newServer(t, true)
	if code, _ := get(t, ts.URL+"/upload"); code != http.StatusNotFound {
		t.Errorf("GET /upload: %d, want 404", code)
	}
	ctype, body := form(t, "x.csv", []byte(goodCSV))
	resp, err := http.Post(ts.URL+"/upload", ctype, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST /upload: %d, want 404", resp.StatusCode)
	}
	if _, body := get(t, ts.URL+"/"); strings.Contains(body, "/upload") {
		t.Error("landing page links to upload when it is disabled")
	}

	e := newUploadEnv(t, 0)
	if _, body := get(t, e.ts.URL+"/"); !strings.Contains(body, `href="/upload"`) {
		t.Error("landing page lacks the upload link when it is enabled")
	}
}

func TestUploadForm(t *testing.T) {
	e := newUploadEnv(t, 0)
	code, body := get(t, e.ts.URL+"/upload")
	if code != http.StatusOK {
		t.Fatalf("GET /upload: %d", code)
	}
	contains(t, "form", body, `enctype="multipart/form-data"`, `action="/upload"`, `name="file"`, `accept=".xlsx,.csv"`,
		`name="check"`, "Check only (store nothing)", "Files up to 50 MiB, 1100000 rows and 200 columns", "Test Council")
}

// A browser POST from another site is refused; same-site browser posts and
// clients that send neither header (curl) are allowed.
func TestUploadCrossSite(t *testing.T) {
	for _, tc := range []struct {
		name string
		hdr  map[string]string
		code int
	}{
		{"curl", nil, 200},
		{"same origin by Sec-Fetch-Site", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "SELF"}, 200},
		{"same origin by Origin", map[string]string{"Origin": "SELF"}, 200},
		{"cross-site by Sec-Fetch-Site", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"same-site subdomain", map[string]string{"Sec-Fetch-Site": "same-site"}, 403},
		{"cross-site by Origin", map[string]string{"Origin": "https://evil.example"}, 403},
		{"opaque origin", map[string]string{"Origin": "null"}, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newUploadEnv(t, 0)
			hdr := http.Header{}
			for k, v := range tc.hdr {
				hdr.Set(k, strings.Replace(v, "SELF", e.ts.URL, 1))
			}
			r := e.post(t, "", "x.csv", []byte(goodCSV), hdr)
			if r.code != tc.code {
				t.Fatalf("got %d, want %d\n%s", r.code, tc.code, r.body)
			}
			if st := e.state(t); (len(st.Sources) == 1) != (tc.code == 200) {
				t.Errorf("sources %+v after %d", st.Sources, r.code)
			}
			if tc.code == 403 {
				contains(t, "answer", r.body, "cross-site upload refused")
			}
		})
	}
}

func TestUploadMalformed(t *testing.T) {
	e := newUploadEnv(t, 0)
	for _, tc := range []struct {
		name   string
		method string
		ctype  string
		body   string
		code   int
	}{
		{"not multipart", http.MethodPost, "application/x-www-form-urlencoded", "file=x", 400},
		{"no file part", http.MethodPost, "", "", 400},
		{"truncated", http.MethodPost, "multipart/form-data; boundary=zz", "--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nPeriod", 400},
		{"bad check", http.MethodPost, "", "maybe", 400},
		{"wrong method", http.MethodPut, "text/csv", goodCSV, 405},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r reply
			switch tc.name {
			case "no file part":
				r = e.postRaw(t, "", func(mw *multipart.Writer) { mw.WriteField("check", "1") }, nil)
			case "bad check":
				r = e.post(t, "?check=maybe", "x.csv", []byte(goodCSV), nil)
			default:
				req, _ := http.NewRequest(tc.method, e.ts.URL+"/upload", strings.NewReader(tc.body))
				req.Header.Set("Content-Type", tc.ctype)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				r = reply{resp.StatusCode, string(b), resp.Header}
			}
			if r.code != tc.code {
				t.Fatalf("got %d, want %d\n%s", r.code, tc.code, r.body)
			}
		})
	}
	if st := e.state(t); len(st.Sources) != 0 {
		t.Errorf("malformed requests stored sources: %+v", st.Sources)
	}
	e.assertSpoolEmpty(t)
}

// A store failure is told as such, not the file's fault and worth trying
// again (503, Retry-After), with no detail of it (issue 12.5).
func TestUploadStoreFailure(t *testing.T) {
	e := newUploadEnv(t, 0)
	e.st.Close() // the ledger now fails
	r := e.post(t, "", "x.csv", []byte(goodCSV), nil)
	if r.code != http.StatusServiceUnavailable || r.hdr.Get("Retry-After") == "" {
		t.Fatalf("got %d (Retry-After %q), want 503 with Retry-After\n%s", r.code, r.hdr.Get("Retry-After"), r.body)
	}
	contains(t, "answer", r.body, "not your file")
	if strings.Contains(r.body, "sql") || strings.Contains(r.body, "closed") {
		t.Errorf("internal detail shown:\n%s", r.body)
	}
	e.assertSpoolEmpty(t)
}

// Warnings do not stop a file, and are shown with their cells.
func TestUploadWarnings(t *testing.T) {
	e := newUploadEnv(t, 0)
	e.upload.Catalogue.Privacy = []vs.PrivacyPattern{{Name: "case_ref", Description: "a case reference", Pattern: `\bCR-[0-9]{6}\b`}}
	csv := strings.Replace(goodCSV, "One in four", "see CR-123456", 1)
	r := e.post(t, "", "x.csv", []byte(csv), nil)
	if r.code != http.StatusOK {
		t.Fatalf("got %d, want 200\n%s", r.code, r.body)
	}
	contains(t, "report", r.body, "Accepted: 3 rows", "<h2>Warnings</h2>", "<code>2:")
	if !strings.Contains(r.body, "a case reference") {
		t.Errorf("warning does not say what it found:\n%s", r.body)
	}
}
