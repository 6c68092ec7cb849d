// Package sso is single sign-on with OpenID Connect: the authorisation code
// flow with PKCE against the council's or the NHS's identity provider, the
// ID token checked here with the standard library, and accounts linked on
// the provider's issuer and subject (accounts.go).
package sso

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Config is one identity provider. The secret comes from the environment
// or a file, never a flag (flags show in the process list).
type Config struct {
	Issuer       string // exactly as the provider names itself in its tokens
	ClientID     string
	ClientSecret string
	Name         string // shown on the sign-in button: "Riverside Council account"
	PublicURL    string // this site's address as people reach it, for the return address
}

// Validate names the first setting that is missing or malformed.
func (c Config) Validate() error {
	switch {
	case c.Issuer == "":
		return errors.New("the identity provider's issuer is missing")
	case c.ClientID == "":
		return errors.New("the client id is missing")
	case c.ClientSecret == "":
		return errors.New("the client secret is missing")
	case c.PublicURL == "":
		return errors.New("the public URL of this site is missing (the provider sends people back to it)")
	}
	for name, v := range map[string]string{"issuer": c.Issuer, "public URL": c.PublicURL} {
		u, err := url.Parse(v)
		if err != nil || u.Host == "" || (u.Scheme != "https" && !loopbackHost(u.Hostname())) {
			return fmt.Errorf("the %s %q must be an https:// address (http:// only on this machine)", name, v)
		}
	}
	return nil
}

func loopbackHost(h string) bool { return h == "localhost" || h == "127.0.0.1" || h == "::1" }

// RedirectURL is where the provider sends people back to.
func (c Config) RedirectURL() string {
	return strings.TrimRight(c.PublicURL, "/") + "/sign-in/sso/callback"
}

// Skew is how far the provider's clock may differ from ours.
const Skew = 2 * time.Minute

// maxResponse bounds what is read from the provider.
const maxResponse = 1 << 20

// Provider talks to one identity provider. Its metadata and keys are
// fetched when first needed and kept, so a provider that is down at start
// does not stop the server, and signing in with passwords goes on.
type Provider struct {
	cfg    Config
	client *http.Client
	now    func() time.Time

	mu       sync.Mutex
	meta     *metadata
	metaAt   time.Time
	keys     map[string]crypto.PublicKey
	keysAt   time.Time
	keysURI  string
	lastKeys time.Time // when keys were last fetched, to bound refetches for unknown key ids
}

type metadata struct {
	Issuer                string   `json:"issuer"`
	AuthorizationEndpoint string   `json:"authorization_endpoint"`
	TokenEndpoint         string   `json:"token_endpoint"`
	JWKSURI               string   `json:"jwks_uri"`
	EndSessionEndpoint    string   `json:"end_session_endpoint"`
	CodeChallengeMethods  []string `json:"code_challenge_methods_supported"`
}

// New makes a provider from a checked configuration. client may be nil.
func New(cfg Config, client *http.Client) *Provider {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Provider{cfg: cfg, client: client, now: time.Now}
}

// Config is the provider's configuration.
func (p *Provider) Config() Config { return p.cfg }

// SetClock pins the clock (tests).
func (p *Provider) SetClock(now func() time.Time) { p.now = now }

const metaFor = time.Hour

func (p *Provider) metadata(ctx context.Context) (*metadata, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.meta != nil && p.now().Sub(p.metaAt) < metaFor {
		return p.meta, nil
	}
	var m metadata
	u := strings.TrimRight(p.cfg.Issuer, "/") + "/.well-known/openid-configuration"
	if err := p.getJSON(ctx, u, &m); err != nil {
		return nil, fmt.Errorf("sso: discovery: %w", err)
	}
	// The document must be the issuer's own (OpenID Connect Discovery §4.3).
	if m.Issuer != p.cfg.Issuer {
		return nil, fmt.Errorf("sso: discovery: the provider calls itself %q, not %q", m.Issuer, p.cfg.Issuer)
	}
	if m.AuthorizationEndpoint == "" || m.TokenEndpoint == "" || m.JWKSURI == "" {
		return nil, errors.New("sso: discovery: an endpoint is missing")
	}
	if len(m.CodeChallengeMethods) > 0 && !slices.Contains(m.CodeChallengeMethods, "S256") {
		return nil, errors.New("sso: discovery: the provider does not support PKCE with S256")
	}
	p.meta, p.metaAt = &m, p.now()
	return p.meta, nil
}

func (p *Provider) getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	return p.do(req, v)
}

func (p *Provider) do(req *http.Request, v any) error {
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return err
	}
	if len(body) > maxResponse {
		return errors.New("the answer is too large")
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		return fmt.Errorf("%s answered %d %s", req.URL.Host, resp.StatusCode, e.Error)
	}
	return json.Unmarshal(body, v)
}

// Start is one sign-in begun: the address to send the person to, and the
// values to keep in their session until they come back.
type Start struct {
	URL      string
	State    string // ties the answer to this browser (CSRF)
	Nonce    string // ties the ID token to this request (replay)
	Verifier string // PKCE: only we can redeem the code
}

// Begin starts a sign-in.
func (p *Provider) Begin(ctx context.Context) (Start, error) {
	m, err := p.metadata(ctx)
	if err != nil {
		return Start{}, err
	}
	s := Start{State: random(), Nonce: random(), Verifier: random()}
	sum := sha256.Sum256([]byte(s.Verifier))
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {p.cfg.ClientID},
		"redirect_uri":          {p.cfg.RedirectURL()},
		"scope":                 {"openid email profile"},
		"state":                 {s.State},
		"nonce":                 {s.Nonce},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"},
	}
	sep := "?"
	if strings.Contains(m.AuthorizationEndpoint, "?") {
		sep = "&"
	}
	s.URL = m.AuthorizationEndpoint + sep + q.Encode()
	return s, nil
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Claims are what the ID token says about the person.
type Claims struct {
	Issuer        string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	raw           map[string]any
}

// Values is a claim's values as strings: a string claim is one value, an
// array of strings each of its members; "email_domain" is the part of a
// verified email address after the @.
func (c *Claims) Values(claim string) []string {
	if claim == "email_domain" {
		if _, d, ok := strings.Cut(c.Email, "@"); ok && c.EmailVerified {
			return []string{strings.ToLower(d)}
		}
		return nil
	}
	switch v := c.raw[claim].(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// ErrToken is any reason an ID token is refused; the message says which.
var ErrToken = errors.New("sso: the identity provider's answer was refused")

// Finish redeems the code the provider sent back, with the verifier and
// nonce kept since Begin, and returns the checked claims.
func (p *Provider) Finish(ctx context.Context, code, verifier, nonce string) (*Claims, error) {
	m, err := p.metadata(ctx)
	if err != nil {
		return nil, err
	}
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {p.cfg.RedirectURL()},
		"code_verifier": {verifier},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.TokenEndpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	// client_secret_basic: both parts form-encoded first (RFC 6749 §2.3.1).
	req.SetBasicAuth(url.QueryEscape(p.cfg.ClientID), url.QueryEscape(p.cfg.ClientSecret))
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if err := p.do(req, &tok); err != nil {
		return nil, fmt.Errorf("%w: token endpoint: %v", ErrToken, err)
	}
	if tok.IDToken == "" {
		return nil, fmt.Errorf("%w: no ID token", ErrToken)
	}
	return p.Verify(ctx, tok.IDToken, nonce)
}

// Verify checks an ID token's signature against the provider's keys and its
// claims against this client and request (OpenID Connect Core §3.1.3.7).
func (p *Provider) Verify(ctx context.Context, raw, nonce string) (*Claims, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: not a signed token", ErrToken)
	}
	var head struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := decodeSegment(parts[0], &head); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrToken, err)
	}
	// Only the asymmetric algorithms providers use; never "none", and never
	// HS256, which would let anyone who knows the client secret sign.
	if head.Alg != "RS256" && head.Alg != "ES256" {
		return nil, fmt.Errorf("%w: algorithm %q is not accepted", ErrToken, head.Alg)
	}
	key, err := p.key(ctx, head.Kid)
	if err != nil {
		return nil, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("%w: signature encoding", ErrToken)
	}
	if !verifySignature(head.Alg, key, parts[0]+"."+parts[1], sig) {
		return nil, fmt.Errorf("%w: the signature does not match", ErrToken)
	}
	var raws map[string]any
	if err := decodeSegment(parts[1], &raws); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrToken, err)
	}
	return p.checkClaims(raws, nonce)
}

func (p *Provider) checkClaims(raw map[string]any, nonce string) (*Claims, error) {
	str := func(k string) string { s, _ := raw[k].(string); return s }
	num := func(k string) (time.Time, bool) {
		f, ok := raw[k].(float64)
		return time.Unix(int64(f), 0), ok
	}
	now := p.now()
	c := &Claims{Issuer: str("iss"), Subject: str("sub"), Email: strings.ToLower(str("email")), Name: str("name"), raw: raw}
	c.EmailVerified, _ = raw["email_verified"].(bool)
	aud := (&Claims{raw: raw}).Values("aud")
	switch {
	case c.Issuer != p.cfg.Issuer:
		return nil, fmt.Errorf("%w: issued by %q", ErrToken, c.Issuer)
	case c.Subject == "":
		return nil, fmt.Errorf("%w: no subject", ErrToken)
	case !slices.Contains(aud, p.cfg.ClientID):
		return nil, fmt.Errorf("%w: meant for another client", ErrToken)
	case len(aud) > 1 && str("azp") != p.cfg.ClientID:
		return nil, fmt.Errorf("%w: authorised party is not this client", ErrToken)
	case nonce == "" || str("nonce") != nonce:
		return nil, fmt.Errorf("%w: the nonce does not match this sign-in", ErrToken)
	}
	exp, ok := num("exp")
	if !ok || !now.Before(exp.Add(Skew)) {
		return nil, fmt.Errorf("%w: expired", ErrToken)
	}
	if iat, ok := num("iat"); !ok || iat.After(now.Add(Skew)) {
		return nil, fmt.Errorf("%w: issued in the future", ErrToken)
	}
	return c, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func verifySignature(alg string, key crypto.PublicKey, signed string, sig []byte) bool {
	sum := sha256.Sum256([]byte(signed))
	switch k := key.(type) {
	case *rsa.PublicKey:
		return alg == "RS256" && rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) == nil
	case *ecdsa.PublicKey:
		if alg != "ES256" || len(sig) != 64 {
			return false
		}
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		return ecdsa.Verify(k, sum[:], r, s)
	}
	return false
}

const keysFor = time.Hour

// key finds the signing key by id; an unknown id fetches the key set again
// (the provider may have rotated), at most once a minute.
func (p *Provider) key(ctx context.Context, kid string) (crypto.PublicKey, error) {
	m, err := p.metadata(ctx)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fresh := p.keys != nil && p.keysURI == m.JWKSURI && p.now().Sub(p.keysAt) < keysFor
	if k, ok := p.keys[kid]; ok && fresh {
		return k, nil
	}
	if !fresh || p.now().Sub(p.lastKeys) > time.Minute {
		keys, err := p.fetchKeys(ctx, m.JWKSURI)
		p.lastKeys = p.now()
		if err != nil {
			return nil, fmt.Errorf("sso: keys: %w", err)
		}
		p.keys, p.keysAt, p.keysURI = keys, p.now(), m.JWKSURI
	}
	if k, ok := p.keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("%w: signed with an unknown key", ErrToken)
}

func (p *Provider) fetchKeys(ctx context.Context, uri string) (map[string]crypto.PublicKey, error) {
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := p.getJSON(ctx, uri, &set); err != nil {
		return nil, err
	}
	keys := map[string]crypto.PublicKey{}
	for _, k := range set.Keys {
		if k.Use != "" && k.Use != "sig" {
			continue
		}
		if pub, err := k.public(); err == nil {
			keys[k.Kid] = pub
		}
	}
	return keys, nil
}

// jwk is one key of a JSON Web Key Set (RFC 7517/7518): RSA or P-256.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	N   string `json:"n"`
	E   string `json:"e"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
}

func (k jwk) public() (crypto.PublicKey, error) {
	b := func(s string) []byte { v, _ := base64.RawURLEncoding.DecodeString(s); return v }
	switch k.Kty {
	case "RSA":
		n, e := new(big.Int).SetBytes(b(k.N)), new(big.Int).SetBytes(b(k.E))
		if n.BitLen() < 2048 || !e.IsInt64() || e.Int64() < 3 {
			return nil, errors.New("weak or malformed RSA key")
		}
		return &rsa.PublicKey{N: n, E: int(e.Int64())}, nil
	case "EC":
		x, y := b(k.X), b(k.Y)
		if k.Crv != "P-256" || len(x) != 32 || len(y) != 32 {
			return nil, errors.New("only P-256 keys")
		}
		// ParseUncompressedPublicKey checks the point is on the curve.
		return ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
	}
	return nil, fmt.Errorf("key type %q", k.Kty)
}

// EndSession is the provider's address for signing out there too, with
// this site's sign-in page to come back to; empty when the provider has
// none. The ID token is not sent as a hint: it names the person, and a
// URL ends up in logs; the provider may ask the person to confirm instead.
func (p *Provider) EndSession(ctx context.Context) string {
	m, err := p.metadata(ctx)
	if err != nil || m.EndSessionEndpoint == "" {
		return ""
	}
	q := url.Values{"client_id": {p.cfg.ClientID},
		"post_logout_redirect_uri": {strings.TrimRight(p.cfg.PublicURL, "/") + "/sign-in"}}
	sep := "?"
	if strings.Contains(m.EndSessionEndpoint, "?") {
		sep = "&"
	}
	return m.EndSessionEndpoint + sep + q.Encode()
}
