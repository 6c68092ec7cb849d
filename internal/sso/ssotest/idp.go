// Package ssotest is a small OpenID Connect identity provider the tests
// run on loopback: discovery, an authorisation endpoint that signs in
// whoever the test says, a token endpoint that checks the client, PKCE and
// single use of codes, a key set and a sign-out endpoint. Its knobs make
// the answers wrong in the ways a real provider, or an attacker, might.
package ssotest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"
)

// User is who signs in at the provider.
type User struct {
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	Groups        []string
}

// IdP is the provider. Set the fields before a sign-in; they are read
// under its lock.
type IdP struct {
	*httptest.Server
	ClientID, ClientSecret string

	mu sync.Mutex
	// User is who the next authorisation signs in.
	User User
	// Knobs, each making the next tokens wrong in one way.
	Audience  string        // "aud" instead of the client id
	Issuer    string        // "iss" instead of the provider's address
	Nonce     string        // "nonce" instead of the one asked for
	Lifetime  time.Duration // exp - iat; negative issues an expired token
	UseEC     bool          // sign with the P-256 key (ES256) instead of RSA
	SignWrong bool          // sign with a key not in the key set
	Alg       string        // the header's alg, when set (e.g. "none", "HS256")

	rsaKey, wrongKey *rsa.PrivateKey
	ecKey            *ecdsa.PrivateKey
	codes            map[string]*grant
	SignedOut        int // times the sign-out endpoint was visited
}

type grant struct {
	user               User
	nonce, challenge   string
	redirect, clientID string
	used               bool
}

// New starts a provider for one client.
func New(clientID, clientSecret string) *IdP {
	p := &IdP{ClientID: clientID, ClientSecret: clientSecret, codes: map[string]*grant{}, Lifetime: 5 * time.Minute}
	p.rsaKey = mustRSA()
	p.wrongKey = mustRSA()
	var err error
	if p.ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /jwks", p.jwks)
	mux.HandleFunc("GET /logout", p.logout)
	p.Server = httptest.NewServer(mux)
	return p
}

func mustRSA() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

// Set changes the provider's knobs under its lock.
func (p *IdP) Set(f func(p *IdP)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(p)
}

func (p *IdP) discovery(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]any{
		"issuer":                           p.URL,
		"authorization_endpoint":           p.URL + "/authorize",
		"token_endpoint":                   p.URL + "/token",
		"jwks_uri":                         p.URL + "/jwks",
		"end_session_endpoint":             p.URL + "/logout",
		"code_challenge_methods_supported": []string{"S256"},
		"id_token_signing_alg_values":      []string{"RS256", "ES256"},
	})
}

func (p *IdP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != p.ClientID || q.Get("response_type") != "code" ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("redirect_uri") == "" {
		http.Error(w, "bad authorisation request", http.StatusBadRequest)
		return
	}
	p.mu.Lock()
	code := random()
	p.codes[code] = &grant{user: p.User, nonce: q.Get("nonce"), challenge: q.Get("code_challenge"),
		redirect: q.Get("redirect_uri"), clientID: q.Get("client_id")}
	p.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	v := back.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

func (p *IdP) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	id, _ = url.QueryUnescape(id)
	secret, _ = url.QueryUnescape(secret)
	if !ok || id != p.ClientID || secret != p.ClientSecret {
		oauthError(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	g := p.codes[r.PostFormValue("code")]
	sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
	switch {
	case g == nil || g.used:
		// A replayed code is refused (RFC 6749 §4.1.2).
		oauthError(w, http.StatusBadRequest, "invalid_grant")
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge, r.PostFormValue("redirect_uri") != g.redirect:
		oauthError(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	g.used = true
	writeJSON(w, map[string]any{"access_token": random(), "token_type": "Bearer", "expires_in": 300,
		"id_token": p.sign(p.claims(g))})
}

func (p *IdP) claims(g *grant) map[string]any {
	now := time.Now()
	c := map[string]any{"iss": p.URL, "sub": g.user.Subject, "aud": p.ClientID, "iat": now.Unix(),
		"exp": now.Add(p.Lifetime).Unix(), "nonce": g.nonce, "email": g.user.Email,
		"email_verified": g.user.EmailVerified, "name": g.user.Name}
	if g.user.Groups != nil {
		c["groups"] = g.user.Groups
	}
	if p.Audience != "" {
		c["aud"] = p.Audience
	}
	if p.Issuer != "" {
		c["iss"] = p.Issuer
	}
	if p.Nonce != "" {
		c["nonce"] = p.Nonce
	}
	return c
}

// sign makes a compact JWS with the provider's key (or a wrong one).
func (p *IdP) sign(claims map[string]any) string {
	alg, kid := "RS256", "rsa-1"
	if p.UseEC {
		alg, kid = "ES256", "ec-1"
	}
	if p.Alg != "" {
		alg = p.Alg
	}
	head, _ := json.Marshal(map[string]string{"alg": alg, "kid": kid, "typ": "JWT"})
	body, _ := json.Marshal(claims)
	signed := b64(head) + "." + b64(body)
	sum := sha256.Sum256([]byte(signed))
	var sig []byte
	switch {
	case p.UseEC:
		r, s, err := ecdsa.Sign(rand.Reader, p.ecKey, sum[:])
		if err != nil {
			panic(err)
		}
		sig = append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	default:
		key := p.rsaKey
		if p.SignWrong {
			key = p.wrongKey
		}
		var err error
		if sig, err = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:]); err != nil {
			panic(err)
		}
	}
	return signed + "." + b64(sig)
}

func (p *IdP) jwks(w http.ResponseWriter, _ *http.Request) {
	pub := p.rsaKey.PublicKey
	ecPub, _ := p.ecKey.PublicKey.Bytes() // 0x04 || x || y
	writeJSON(w, map[string]any{"keys": []map[string]string{
		{"kty": "RSA", "kid": "rsa-1", "use": "sig", "alg": "RS256", "n": b64(pub.N.Bytes()),
			"e": b64(big.NewInt(int64(pub.E)).Bytes())},
		{"kty": "EC", "kid": "ec-1", "use": "sig", "alg": "ES256", "crv": "P-256",
			"x": b64(ecPub[1:33]), "y": b64(ecPub[33:])},
	}})
}

func (p *IdP) logout(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.SignedOut++
	p.mu.Unlock()
	back := r.URL.Query().Get("post_logout_redirect_uri")
	if back == "" {
		w.Write([]byte("signed out"))
		return
	}
	http.Redirect(w, r, back, http.StatusFound)
}

func oauthError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func random() string {
	b := make([]byte, 24)
	rand.Read(b)
	return b64(b)
}
