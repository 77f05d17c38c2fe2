package sqlstore

import (
	"context"
	"database/sql"
	"math/bits"
	"strings"
	"sync"
)

// statements keeps the statements a store runs often prepared, once per connection:
// SQLite parses a statement again on every use that is not prepared, and parsing is
// what costs most in a short one.
type statements struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
	// tried holds the queries of transactions sent to be prepared in the background.
	tried map[string]bool
}

// maxStatements bounds the statements kept: should queries that differ in their text
// each time come this way, the ones past the bound run as text.
const maxStatements = 512

// prepared returns the statement for query, preparing it on first use; nil when
// maxStatements are kept already. Preparing waits for a connection of the handle, so
// that no lock is held meanwhile.
func (s *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	s.stmts.mu.Lock()
	st, ok := s.stmts.m[query]
	full := len(s.stmts.m) >= maxStatements
	s.stmts.mu.Unlock()
	if ok || full {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	if kept, ok := s.stmts.m[query]; ok {
		st.Close() // prepared twice at once: keep the first
		return kept, nil
	}
	if s.stmts.m == nil {
		s.stmts.m = make(map[string]*sql.Stmt)
	}
	s.stmts.m[query] = st
	return st, nil
}

// closeStatements closes every prepared statement, before the handle closes.
func (s *DB) closeStatements() {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	for _, st := range s.stmts.m {
		st.Close()
	}
	s.stmts.m = nil
}

// stmtOn returns query prepared for q: a *sql.DB uses the kept statement, preparing it
// on first use; any other queryer (a *sql.Conn) gets nil, and the caller runs the query
// as text. So does a *sql.Tx the first time: preparing on the handle needs a connection
// of its own, which a transaction must not wait for (the others may all be waiting for
// its lock), so the statement is prepared in the background for the next time.
func (s *DB) stmtOn(ctx context.Context, q queryer, query string) (*sql.Stmt, error) {
	switch q := q.(type) {
	case *sql.DB:
		return s.prepared(ctx, query)
	case *sql.Tx:
		if st := s.kept(query); st != nil {
			return q.StmtContext(ctx, st), nil
		}
	}
	return nil, nil
}

// kept returns the kept statement for query, or nil when there is none yet; then it
// prepares it in the background, once. A query that does not prepare on the handle (it
// names a TEMP table of the transaction's connection) keeps running as text.
func (s *DB) kept(query string) *sql.Stmt {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	if st, ok := s.stmts.m[query]; ok {
		return st
	}
	if !s.stmts.tried[query] {
		if s.stmts.tried == nil {
			s.stmts.tried = make(map[string]bool)
		}
		s.stmts.tried[query] = true
		go s.prepared(context.Background(), query)
	}
	return nil
}

// exec runs a statement through its kept preparation when q allows.
func (s *DB) exec(ctx context.Context, q queryer, query string, args ...any) (sql.Result, error) {
	st, err := s.stmtOn(ctx, q, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return q.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

// queryRow runs a one-row query through its kept preparation when q allows; should
// preparing fail, the query runs as text and its row carries the error.
func (s *DB) queryRow(ctx context.Context, q queryer, query string, args ...any) *sql.Row {
	if st, err := s.stmtOn(ctx, q, query); err == nil && st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.QueryRowContext(ctx, query, args...)
}

// query runs a query through its kept preparation when q allows.
func (s *DB) query(ctx context.Context, q queryer, query string, args ...any) (*sql.Rows, error) {
	st, err := s.stmtOn(ctx, q, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return q.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

// chunks cuts n rows into statements of at most batch rows: full ones, then the rest in
// powers of two, so that a multi-row statement has one of few sizes and stays prepared.
func chunks(n, batch int) []int {
	var out []int
	for ; n >= batch; n -= batch {
		out = append(out, batch)
	}
	for n > 0 {
		k := 1 << (bits.Len(uint(n)) - 1)
		out = append(out, k)
		n -= k
	}
	return out
}

// valuesSQL writes prefix, n tuples of cols placeholders, and suffix.
func (s *DB) valuesSQL(prefix, suffix string, n, cols int) string {
	var sb strings.Builder
	sb.WriteString(prefix)
	p := 0
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for j := range cols {
			if j > 0 {
				sb.WriteByte(',')
			}
			p++
			sb.WriteString(s.d.Placeholder(p))
		}
		sb.WriteByte(')')
	}
	if suffix != "" {
		sb.WriteString(" " + suffix)
	}
	return sb.String()
}
