package store_test

import "github.com/contactpoint/contactpoint/internal/secret"

func secretKeyring(s string) (*secret.Keyring, error) { return secret.New([]byte(s)) }
