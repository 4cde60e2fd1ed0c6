// Package secret holds the server's keys: a keyed hash for identifiers (so
// the database never holds an NHS number or UPN in clear, yet can find one),
// sealing for values only their own source may see again, and the key that
// chains the audit trail. All keys derive from one server secret that never
// enters the database.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// MinLen is the shortest server secret accepted, in bytes.
const MinLen = 32

// Keyring holds the keys derived from the server secret.
type Keyring struct {
	hashKey  []byte
	auditKey []byte
	aead     cipher.AEAD
	fp       string
}

// New derives a Keyring from the server secret.
func New(secret []byte) (*Keyring, error) {
	if len(secret) < MinLen {
		return nil, fmt.Errorf("server secret is %d bytes; at least %d are needed", len(secret), MinLen)
	}
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("contactpoint/" + label))
		return m.Sum(nil)
	}
	block, err := aes.NewCipher(derive("seal/v1"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	fp := derive("fingerprint/v1")
	return &Keyring{
		hashKey:  derive("identifier-hash/v1"),
		auditKey: derive("audit/v1"),
		aead:     aead,
		fp:       hex.EncodeToString(fp[:16]),
	}, nil
}

// Fingerprint identifies the secret without revealing it, so a database can
// refuse to be opened with a different secret than the one it was made with.
func (k *Keyring) Fingerprint() string { return k.fp }

// Hash returns the keyed hash (hex) of an identifier of the given kind. The
// kind is part of the hash so equal strings of different kinds never meet.
func (k *Keyring) Hash(kind, value string) string {
	m := hmac.New(sha256.New, k.hashKey)
	m.Write([]byte(kind))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil)[:20])
}

// AuditMAC returns the MAC chaining one audit entry to the previous one.
func (k *Keyring) AuditMAC(prev string, entry []byte) string {
	m := hmac.New(sha256.New, k.auditKey)
	m.Write([]byte(prev))
	m.Write([]byte{0})
	m.Write(entry)
	return hex.EncodeToString(m.Sum(nil))
}

// Seal encrypts s with AES-256-GCM and a random nonce; ad binds the sealed
// value to its place (for example the source's name) so it cannot be moved.
func (k *Keyring) Seal(s, ad string) string {
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic("secret: crypto/rand failed: " + err.Error())
	}
	out := k.aead.Seal(nonce, nonce, []byte(s), []byte(ad))
	return base64.RawStdEncoding.EncodeToString(out)
}

// Open decrypts a value made by Seal with the same ad.
func (k *Keyring) Open(sealed, ad string) (string, error) {
	b, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(b) < k.aead.NonceSize() {
		return "", errors.New("secret: malformed sealed value")
	}
	n := k.aead.NonceSize()
	p, err := k.aead.Open(nil, b[:n], b[n:], []byte(ad))
	if err != nil {
		return "", errors.New("secret: sealed value does not open with this key")
	}
	return string(p), nil
}

// Load reads the server secret: from the environment variable
// CONTACTPOINT_SECRET (hex or raw), else from the file named by
// CONTACTPOINT_SECRET_FILE, else from defaultFile, which is created with a
// new random secret (mode 0600) when it does not exist. created reports that.
func Load(getenv func(string) string, defaultFile string) (key []byte, created bool, err error) {
	if v := getenv("CONTACTPOINT_SECRET"); v != "" {
		return decode(v), false, nil
	}
	file := getenv("CONTACTPOINT_SECRET_FILE")
	if file == "" {
		file = defaultFile
		if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
			b := make([]byte, 32)
			if _, err := rand.Read(b); err != nil {
				return nil, false, err
			}
			if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
				return nil, false, err
			}
			f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err == nil {
				_, err = f.WriteString(hex.EncodeToString(b) + "\n")
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					return nil, false, fmt.Errorf("write server secret %s: %w", file, err)
				}
				return b, true, nil
			}
			if !errors.Is(err, os.ErrExist) {
				return nil, false, fmt.Errorf("create server secret %s: %w", file, err)
			}
			// Another process created it first: read theirs.
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, false, fmt.Errorf("read server secret: %w", err)
	}
	return decode(strings.TrimSpace(string(b))), false, nil
}

func decode(v string) []byte {
	if b, err := hex.DecodeString(v); err == nil && len(b) >= MinLen {
		return b
	}
	return []byte(v)
}
