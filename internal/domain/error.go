// Package domain holds ContactPoint's vocabulary: the child and the people and
// services around them, sources, users, the error type and the service
// interfaces. It imports only the standard library; every other package
// depends on it and it depends on nothing.
package domain

import (
	"errors"
	"fmt"
)

// Error codes form a closed set. Each maps to one HTTP status (see the api
// package) and to one exit status in the command.
const (
	EInvalid      = "invalid"      // the input breaks a rule; Message says which field and why
	ENotFound     = "not_found"    // no such thing, or the caller may not know it exists
	EUnauthorised = "unauthorised" // the caller is not signed in
	EForbidden    = "forbidden"    // signed in, but not allowed
	EConflict     = "conflict"     // the change clashes with the current state
	EInternal     = "internal"     // anything unexpected; users see "internal error"
)

// Error is ContactPoint's error. Message is safe to show the user; Err, when
// set, is the underlying cause for the logs.
type Error struct {
	Code    string
	Op      string // the operation, such as "store.CreateChild"
	Field   string // the input field at fault, when there is one
	Message string
	Err     error
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	if e.Field != "" && msg != "" {
		msg = e.Field + ": " + msg
	} else if e.Field != "" {
		msg = e.Field
	}
	if e.Op != "" {
		return e.Op + ": " + msg
	}
	return msg
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EInvalid error naming the field and the reason.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-facing message of err: the Error's field and
// message, or "internal error" for anything unexpected.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != EInternal {
		msg := e.Message
		if msg == "" && e.Err != nil {
			msg = e.Err.Error()
		}
		if e.Field != "" {
			return e.Field + ": " + msg
		}
		return msg
	}
	return "internal error"
}

// ErrorField returns the field named by the first *Error in err's chain.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
