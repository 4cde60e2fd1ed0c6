package store_test

import (
	"github.com/contactpoint/contactpoint/internal/auth"
	"github.com/contactpoint/contactpoint/internal/secret"
)

func secretKeyring(s string) (*secret.Keyring, error) { return secret.New([]byte(s)) }

func authtestSessionID(token string) string { return auth.SessionID(token) }
