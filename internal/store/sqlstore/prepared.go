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
	// local holds the queries that name a table of one connection (a TEMP table of an
	// import): they cannot be prepared on the handle, and run as text.
	local map[string]bool
}

// prepared returns the statement for query, preparing it on first use.
func (s *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	if st, ok := s.stmts.m[query]; ok {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
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

// stmtOn returns query prepared for q: a *sql.DB or *sql.Tx uses the kept statement;
// any other queryer (a *sql.Conn) gets nil, and the caller runs the query as text.
func (s *DB) stmtOn(ctx context.Context, q queryer, query string) (*sql.Stmt, error) {
	switch q := q.(type) {
	case *sql.DB:
		return s.prepared(ctx, query)
	case *sql.Tx:
		if s.isLocal(query) {
			return nil, nil
		}
		st, err := s.prepared(ctx, query)
		if err != nil {
			// Most likely a table only the transaction's connection has; should the
			// statement be wrong, running it as text says so.
			s.stmts.mu.Lock()
			if s.stmts.local == nil {
				s.stmts.local = make(map[string]bool)
			}
			s.stmts.local[query] = true
			s.stmts.mu.Unlock()
			return nil, nil
		}
		return q.StmtContext(ctx, st), nil
	}
	return nil, nil
}

func (s *DB) isLocal(query string) bool {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	return s.stmts.local[query]
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
