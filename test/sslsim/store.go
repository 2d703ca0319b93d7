package sslsim

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"time"
)

// Record kinds.
const (
	kindDeploy       = "deploy"
	kindUpdate       = "update"
	kindUploadUpdate = "uploadUpdate"
)

// Detail item statuses (UpdateRecordDetail.Status, §4.3; the deploy
// variants are not enumerated by the reference, which infers the same codes).
const (
	statusPending         = 0
	statusSuccess         = 1
	statusFailed          = 2
	statusDeploying       = 3
	statusRollbackSuccess = 4
	statusRollbackFailed  = 5
	statusNoResource      = 6
)

// Tag is a certificate tag.
type Tag struct {
	TagKey   string `json:"TagKey"`
	TagValue string `json:"TagValue"`
}

// certificate is a stored certificate, including its private key.
type certificate struct {
	ID             string    `json:"id"`
	Type           string    `json:"type"`
	CertificatePEM string    `json:"certificatePem"`
	PrivateKeyPEM  string    `json:"privateKeyPem,omitempty"`
	Alias          string    `json:"alias,omitempty"`
	ProjectID      int64     `json:"projectId,omitempty"`
	Tags           []Tag     `json:"tags,omitempty"`
	CertificateUse string    `json:"certificateUse,omitempty"`
	IgnoreExpiry   bool      `json:"ignoreExpiry,omitempty"`
	AllowDownload  bool      `json:"allowDownload,omitempty"`
	InsertTime     time.Time `json:"insertTime"`
	Info           certInfo  `json:"info"`
	// Status, when set, replaces the status derived from the validity (SetCertificateStatus).
	Status *int `json:"status,omitempty"`
}

// certContent is a certificate's replaceable content (UploadUpdateCertificateInstance).
type certContent struct {
	CertificatePEM string   `json:"certificatePem"`
	PrivateKeyPEM  string   `json:"privateKeyPem,omitempty"`
	Info           certInfo `json:"info"`
}

// record is a deploy, update or in-place update task.
type record struct {
	ID            int64     `json:"id"`
	Kind          string    `json:"kind"`
	CertID        string    `json:"certificateId"`
	OldCertID     string    `json:"oldCertificateId,omitempty"`
	ResourceType  string    `json:"resourceType,omitempty"`
	ResourceTypes []string  `json:"resourceTypes,omitempty"`
	Region        string    `json:"region,omitempty"`
	Regions       []string  `json:"regions,omitempty"`
	RollbackOf    int64     `json:"rollbackOf,omitempty"`
	RolledBackBy  int64     `json:"rolledBackBy,omitempty"`
	CreateTime    time.Time `json:"createTime"`
	UpdateTime    time.Time `json:"updateTime"`
	Items         []*item   `json:"items"`
	// PassTimes holds the creation time of each pass of an in-place update
	// (0 = the update, 1 = its rollback).
	PassTimes []time.Time `json:"passTimes,omitempty"`
	// Previous is the content an in-place update replaced.
	Previous *certContent `json:"previous,omitempty"`
}

// item is one target of a record.
type item struct {
	ID           int64     `json:"id"`
	Pass         int       `json:"pass,omitempty"`
	ResourceType string    `json:"resourceType"`
	Key          string    `json:"target"`
	Switch       string    `json:"switch,omitempty"`
	Region       string    `json:"region,omitempty"`
	CertID       string    `json:"certificateId"`
	OldCertID    string    `json:"oldCertificateId"`
	Status       int       `json:"status"`
	ErrorMsg     string    `json:"errorMsg,omitempty"`
	CreateTime   time.Time `json:"createTime"`
	UpdateTime   time.Time `json:"updateTime"`
	// StartAt ends the pending (0) phase, DueAt the deploying (3) one.
	StartAt time.Time  `json:"startAt"`
	DueAt   time.Time  `json:"dueAt"`
	Info    targetInfo `json:"info"`
}

// deleteTask is a DeleteCertificate with IsCheckResource: it runs (status
// 0) until DueAt, then checks the bindings and deletes or refuses.
type deleteTask struct {
	ID        string    `json:"id"`
	CertID    string    `json:"certificateId"`
	Status    int       `json:"status"`
	Error     string    `json:"error,omitempty"`
	CacheTime time.Time `json:"cacheTime"`
	DueAt     time.Time `json:"dueAt"`
	Domains   []string  `json:"domains"`
}

// bindTask is a CreateCertificateBindResourceSyncTask query for one
// certificate: it runs (status 0) until DueAt, then holds the bindings
// found at that time.
type bindTask struct {
	ID      string    `json:"id"`
	CertID  string    `json:"certificateId"`
	DueAt   time.Time `json:"dueAt"`
	Done    bool      `json:"done,omitempty"`
	Found   []Binding `json:"found,omitempty"`
	Created time.Time `json:"created"`
}

// pendingUpdate is an update task still "being created": the next
// Remaining identical calls answer DeployRecordId 0.
type pendingUpdate struct {
	Key       string `json:"key"`
	Remaining int    `json:"remaining"`
	NewCertID string `json:"newCertificateId,omitempty"`
}

// store is the simulator's persistent state.
type store struct {
	NextRecordID int64            `json:"nextRecordId"`
	NextItemID   int64            `json:"nextItemId"`
	NextTaskID   int64            `json:"nextTaskId"`
	Certificates []*certificate   `json:"certificates"`
	Inventory    *Inventory       `json:"inventory"`
	Records      []*record        `json:"records"`
	DeleteTasks  []*deleteTask    `json:"deleteTasks,omitempty"`
	BindTasks    []*bindTask      `json:"bindTasks,omitempty"`
	Pending      []*pendingUpdate `json:"pending,omitempty"`
	// Created holds the creation time of units added after the start
	// (seeded ones count as old); BindingLog the recent binding changes.
	Created    map[string]time.Time `json:"created,omitempty"`
	BindingLog []bindingChange      `json:"bindingLog,omitempty"`
}

// Record and item IDs use separate ranges so that a client confusing a
// DeployRecordId with a DeployRecordDetailId gets an error, not a match.
func newStore() *store {
	return &store{NextRecordID: 10001, NextItemID: 500001, NextTaskID: 1001, Inventory: &Inventory{}, Created: map[string]time.Time{}}
}

func (st *store) certificate(id string) *certificate {
	for _, c := range st.Certificates {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (st *store) record(kind string, id int64) *record {
	for _, r := range st.Records {
		if r.Kind == kind && r.ID == id {
			return r
		}
	}
	return nil
}

// recordOfItem finds the record of kind holding detail item id.
func (st *store) recordOfItem(kind string, id int64) (*record, *item) {
	for _, r := range st.Records {
		if r.Kind != kind {
			continue
		}
		for _, it := range r.Items {
			if it.ID == id {
				return r, it
			}
		}
	}
	return nil, nil
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newCertificateID returns an unused 8-character ID like Tencent's ("aClRkC90").
func (st *store) newCertificateID() string {
	for {
		b := make([]byte, 8)
		for i := range b {
			n, err := rand.Int(rand.Reader, big.NewInt(int64(len(idAlphabet))))
			if err != nil {
				panic(err) // crypto/rand does not fail on supported platforms
			}
			b[i] = idAlphabet[n.Int64()]
		}
		if st.certificate(string(b)) == nil {
			return string(b)
		}
	}
}

// loadStore reads a state file; a missing file yields an empty store.
func loadStore(path string) (*store, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return newStore(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read state file: %w", err)
	}
	st := newStore()
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("parse state file %s: %w", path, err)
	}
	if st.Inventory == nil {
		st.Inventory = &Inventory{}
	}
	if st.Created == nil {
		st.Created = map[string]time.Time{}
	}
	return st, nil
}

// encode renders the state file content.
func (st *store) encode() ([]byte, error) {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode state: %w", err)
	}
	return data, nil
}

// writeFileAtomic replaces path with data: a temporary file in the same
// directory is synced and renamed over the old one. The state file holds
// private keys, so it is readable by the owner only.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write state file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write state file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write state file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write state file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write state file: %w", err)
	}
	return nil
}
