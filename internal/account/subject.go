package account

import "whatmatters/internal/audit"

// Subject is who is asking: the signed-in account and where the request
// came from. Every read or change of person data takes one.
type Subject struct {
	Account *Account
	Actor   audit.Actor
}

// NewSubject makes the subject for an account acting from ip.
func NewSubject(a *Account, ip, requestID string) Subject {
	return Subject{Account: a, Actor: audit.Actor{AccountID: a.ID, Label: a.Label(), IP: ip, RequestID: requestID}}
}
