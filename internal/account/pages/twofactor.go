package pages

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/httpx"
	"whatmatters/internal/i18n"
	"whatmatters/internal/store"
	"whatmatters/internal/web"
)

// Between the password and the code, the session holds who has given the
// right password, where they were going, and until when: not signed in.
const (
	sessionPending      = "pending_account_id"
	sessionPendingUntil = "pending_until"
	sessionPendingNext  = "pending_next"
	// pendingFor is how long someone has to type the code after their
	// password.
	pendingFor = 10 * time.Minute
)

func (s *Pages) policy() account.TwoFactorPolicy {
	if s.Opts.TwoFactor == "" {
		return account.TwoFactorAdmins
	}
	return s.Opts.TwoFactor
}

// afterPassword decides what follows the right password: the code from
// the app, setting one up (when the policy requires it), or signed in.
func (s *Pages) afterPassword(w http.ResponseWriter, r *http.Request, a *account.Account, next string) {
	tf, err := account.GetTwoFactor(r.Context(), s.DB.Read(), a.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	needs := tf != nil && tf.Enabled
	if !needs && !s.policy().Requires(a) {
		s.finishSignIn(w, r, a.ID, next)
		return
	}
	if err := s.Sessions.RenewToken(r.Context()); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Sessions.Put(r.Context(), sessionPending, a.ID)
	s.Sessions.Put(r.Context(), sessionPendingUntil, store.Now().Add(pendingFor).Unix())
	s.Sessions.Put(r.Context(), sessionPendingNext, next)
	if needs {
		http.Redirect(w, r, "/sign-in/code", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/sign-in/two-factor", http.StatusSeeOther)
}

// finishSignIn signs the account in: a new session token, so one planted
// before cannot ride on this one.
func (s *Pages) finishSignIn(w http.ResponseWriter, r *http.Request, accountID, next string) bool {
	if err := s.Sessions.RenewToken(r.Context()); err != nil {
		s.ServerError(w, r, err)
		return false
	}
	for _, k := range []string{sessionPending, sessionPendingUntil, sessionPendingNext} {
		s.Sessions.Remove(r.Context(), k)
	}
	s.Sessions.Put(r.Context(), web.SessionAccount, accountID)
	if next != "" {
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
	return true
}

// pending is the account that gave the right password in this session and
// has yet to give its code, or nil (none, expired or disabled since).
func (s *Pages) pending(r *http.Request) *account.Account {
	id := s.Sessions.GetString(r.Context(), sessionPending)
	until := s.Sessions.GetInt64(r.Context(), sessionPendingUntil)
	if id == "" || store.Now().Unix() > until {
		return nil
	}
	a, err := account.AccountByID(r.Context(), s.DB.Read(), id)
	if err != nil || a.Disabled {
		return nil
	}
	return a
}

func actor(r *http.Request, a *account.Account) audit.Actor {
	return audit.Actor{AccountID: a.ID, Label: a.Label(), IP: httpx.ClientIP(r), RequestID: httpx.RequestIDFrom(r.Context())}
}

func (s *Pages) codePage(w http.ResponseWriter, r *http.Request) {
	if s.pending(r) == nil {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	s.Page(w, r, http.StatusOK, "code", s.NewView(r, "twofactor.code.title"))
}

// checkCode takes the code from the app, or a recovery code.
func (s *Pages) checkCode(w http.ResponseWriter, r *http.Request) {
	a := s.pending(r)
	if a == nil {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	v := s.NewView(r, "twofactor.code.title")
	code := strings.TrimSpace(r.PostFormValue("code"))
	var throttled *account.ThrottledError
	err := errors.New("empty")
	if code != "" {
		err = account.SecondFactor(r.Context(), s.DB, actor(r, a), a, code)
	}
	switch {
	case err == nil:
		s.finishSignIn(w, r, a.ID, s.Sessions.GetString(r.Context(), sessionPendingNext))
		return
	case code == "":
		v.Errors = append(v.Errors, web.FieldError{Field: "code", Message: i18n.T(v.Lang, "twofactor.code.missing")})
	case errors.Is(err, account.ErrBadCode):
		v.Errors = append(v.Errors, web.FieldError{Field: "code", Message: i18n.T(v.Lang, "twofactor.code.wrong")})
	case errors.As(err, &throttled):
		v.Errors = append(v.Errors, web.FieldError{Field: "code", Message: i18n.N(v.Lang, "signin.error.throttled", int(throttled.Wait.Minutes())+1)})
		s.Page(w, r, http.StatusTooManyRequests, "code", v)
		return
	default:
		s.ServerError(w, r, err)
		return
	}
	s.Page(w, r, http.StatusUnprocessableEntity, "code", v)
}

// setupData is the set-up page: the QR code and the key to type instead.
type setupData struct {
	QR      template.HTML
	Key     string
	Action  string // where the code is sent
	Signing bool   // part of signing in, not from the account's page
}

func (s *Pages) setupView(r *http.Request, a *account.Account, tf *account.TwoFactor, action string, signing bool) *web.View {
	v := s.NewView(r, "twofactor.setup.title")
	v.Data = setupData{QR: qrSVG(tf.URI(a, "whatmatters"), i18n.T(v.Lang, "twofactor.setup.qr_alt")), Key: tf.GroupedSecret(),
		Action: action, Signing: signing}
	return v
}

// startSetup gives the account a secret to set up, keeping one already
// being set up (the page may be shown again after a wrong code) unless
// fresh is asked for.
func (s *Pages) startSetup(r *http.Request, a *account.Account, fresh bool) (*account.TwoFactor, error) {
	tf, err := account.GetTwoFactor(r.Context(), s.DB.Read(), a.ID)
	if err != nil || (tf != nil && !tf.Enabled && !fresh) {
		return tf, err
	}
	return account.StartTwoFactor(r.Context(), s.DB, actor(r, a), a)
}

// signInSetupPage is setting up two-factor sign-in as part of signing in,
// for an account the policy requires it of.
func (s *Pages) signInSetupPage(w http.ResponseWriter, r *http.Request) {
	a := s.pending(r)
	if a == nil {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	tf, err := s.startSetup(r, a, false)
	if errors.Is(err, account.ErrTwoFactorOn) || (err == nil && tf.Enabled) {
		http.Redirect(w, r, "/sign-in/code", http.StatusSeeOther)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Page(w, r, http.StatusOK, "twofactorsetup", s.setupView(r, a, tf, "/sign-in/two-factor", true))
}

func (s *Pages) signInSetup(w http.ResponseWriter, r *http.Request) {
	a := s.pending(r)
	if a == nil {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	s.confirmSetup(w, r, a, "/sign-in/two-factor", true)
}

// confirmSetup turns two-factor on with the code typed, and shows the
// recovery codes, once.
func (s *Pages) confirmSetup(w http.ResponseWriter, r *http.Request, a *account.Account, action string, signing bool) {
	codes, err := account.ConfirmTwoFactor(r.Context(), s.DB, actor(r, a), a, r.PostFormValue("code"))
	if err != nil {
		tf, gerr := account.GetTwoFactor(r.Context(), s.DB.Read(), a.ID)
		if gerr == nil && (tf == nil || tf.Enabled) {
			// Nothing being set up (a code sent before the page was
			// shown), or it is on already: the page says what to do.
			http.Redirect(w, r, action, http.StatusSeeOther)
			return
		}
		if gerr != nil {
			s.ServerError(w, r, gerr)
			return
		}
		v := s.setupView(r, a, tf, action, signing)
		if !v.Problems(err) {
			s.ServerError(w, r, err)
			return
		}
		s.Page(w, r, http.StatusUnprocessableEntity, "twofactorsetup", v)
		return
	}
	next := "/account/two-factor"
	if signing {
		next = s.Sessions.GetString(r.Context(), sessionPendingNext)
		if !s.finishSignIn(w, r, a.ID, "") {
			return
		}
	}
	s.showRecoveryCodes(w, r, codes, next)
}

func (s *Pages) showRecoveryCodes(w http.ResponseWriter, r *http.Request, codes []string, next string) {
	v := s.NewView(r, "twofactor.recovery.title")
	v.Data = struct {
		Codes []string
		Next  string
	}{codes, web.SafeNext(next)}
	s.Page(w, r, http.StatusOK, "recoverycodes", v)
}

// The account's own page: whether two-factor is on, setting it up, new
// recovery codes, turning it off where the policy allows.

type manageData struct {
	On        bool
	Remaining int
	Required  bool
}

func (s *Pages) manage(w http.ResponseWriter, r *http.Request) {
	a := web.AccountFrom(r.Context())
	tf, err := account.GetTwoFactor(r.Context(), s.DB.Read(), a.ID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v := s.NewView(r, "twofactor.manage.title")
	d := manageData{Required: s.policy().Requires(a)}
	if tf != nil && tf.Enabled {
		d.On, d.Remaining = true, tf.Remaining
	}
	v.Data = d
	v.Flash = r.URL.Query().Get("done")
	s.Page(w, r, http.StatusOK, "twofactor", v)
}

func (s *Pages) manageSetupPage(w http.ResponseWriter, r *http.Request) {
	a := web.AccountFrom(r.Context())
	tf, err := s.startSetup(r, a, false)
	if errors.Is(err, account.ErrTwoFactorOn) || (err == nil && tf.Enabled) {
		http.Redirect(w, r, "/account/two-factor", http.StatusSeeOther)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Page(w, r, http.StatusOK, "twofactorsetup", s.setupView(r, a, tf, "/account/two-factor/set-up", false))
}

func (s *Pages) manageSetup(w http.ResponseWriter, r *http.Request) {
	s.confirmSetup(w, r, web.AccountFrom(r.Context()), "/account/two-factor/set-up", false)
}

// withCode runs fn after checking a current code (or a recovery code):
// turning two-factor off or replacing the recovery codes needs the
// phone, not just a session left open.
func (s *Pages) withCode(w http.ResponseWriter, r *http.Request, fn func(a *account.Account)) {
	a := web.AccountFrom(r.Context())
	code := strings.TrimSpace(r.PostFormValue("code"))
	err := account.ErrBadCode
	if code != "" {
		err = account.SecondFactor(r.Context(), s.DB, actor(r, a), a, code)
	}
	var throttled *account.ThrottledError
	if errors.Is(err, account.ErrBadCode) || errors.As(err, &throttled) {
		v := s.NewView(r, "twofactor.manage.title")
		tf, _ := account.GetTwoFactor(r.Context(), s.DB.Read(), a.ID)
		d := manageData{Required: s.policy().Requires(a), On: tf != nil && tf.Enabled}
		if tf != nil {
			d.Remaining = tf.Remaining
		}
		v.Data = d
		key := "twofactor.code.wrong"
		if code == "" {
			key = "twofactor.code.missing"
		}
		v.Errors = append(v.Errors, web.FieldError{Field: "code", Message: i18n.T(v.Lang, key)})
		s.Page(w, r, http.StatusUnprocessableEntity, "twofactor", v)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	fn(a)
}

func (s *Pages) newRecoveryCodes(w http.ResponseWriter, r *http.Request) {
	s.withCode(w, r, func(a *account.Account) {
		codes, err := account.NewRecoveryCodes(r.Context(), s.DB, actor(r, a), a)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		s.showRecoveryCodes(w, r, codes, "/account/two-factor")
	})
}

func (s *Pages) turnOff(w http.ResponseWriter, r *http.Request) {
	if s.policy().Requires(web.AccountFrom(r.Context())) {
		s.Forbidden(w, r)
		return
	}
	s.withCode(w, r, func(a *account.Account) {
		if err := account.TurnOffTwoFactor(r.Context(), s.DB, actor(r, a), a.ID); err != nil {
			s.Fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/account/two-factor?done=off", http.StatusSeeOther)
	})
}

// qrSVG draws the QR code of text as an SVG, one path of dark squares,
// with a text alternative (the key is also printed beside it to type).
func qrSVG(text, alt string) template.HTML {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return ""
	}
	bits := q.Bitmap()
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="200" height="200" role="img" aria-label="%s" shape-rendering="crispEdges"><rect width="100%%" height="100%%" fill="#fff"/><path fill="#0b0c0c" d="`,
		len(bits), len(bits), template.HTMLEscapeString(alt))
	for y, row := range bits {
		for x, dark := range row {
			if dark {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return template.HTML(b.String()) // built from numbers and an escaped label only
}
