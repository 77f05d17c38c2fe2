package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Bulk statements by columns: on PostgreSQL (Dialect.Arrays) a batch of rows goes as
// one statement whose parameters are whole columns, INSERT … SELECT FROM unnest(…),
// instead of statements of many tuples: one statement to parse, plan and answer, and
// a few parameters to encode instead of thousands.

// insertSQL is the statement that inserts rows into table: by columns on an engine
// with arrays, else as n tuples. types are the columns' PostgreSQL types.
func (s *DB) insertSQL(table string, columns, types []string, n int, suffix string) string {
	prefix := "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") "
	if !s.d.Arrays {
		return s.valuesSQL(prefix+"VALUES ", suffix, n, len(columns))
	}
	// JSON travels as text, and is cast once unnested.
	var sel, params, names []string
	for i, t := range types {
		name := fmt.Sprintf("c%d", i+1)
		names = append(names, name)
		if t == "jsonb" {
			sel, params = append(sel, name+"::jsonb"), append(params, s.d.Placeholder(i+1)+"::text[]")
			continue
		}
		sel, params = append(sel, name), append(params, s.d.Placeholder(i+1)+"::"+t+"[]")
	}
	return prefix + "SELECT " + strings.Join(sel, ", ") + " FROM unnest(" + strings.Join(params, ", ") + ") AS u(" +
		strings.Join(names, ", ") + ") " + suffix
}

// columnArgs turns rows into one array argument per column, typed as types says.
// A nil value is NULL; int and int64 are both bigint.
func columnArgs(rows [][]any, types []string) ([]any, error) {
	args := make([]any, len(types))
	for j, t := range types {
		switch t {
		case "text", "jsonb":
			col := make([]string, len(rows))
			for i, r := range rows {
				col[i], _ = r[j].(string)
			}
			args[j] = col
		case "bigint", "integer":
			col := make([]*int64, len(rows))
			for i, r := range rows {
				switch v := r[j].(type) {
				case int64:
					col[i] = &v
				case int:
					w := int64(v)
					col[i] = &w
				}
			}
			args[j] = col
		case "boolean":
			col := make([]bool, len(rows))
			for i, r := range rows {
				col[i], _ = r[j].(bool)
			}
			args[j] = col
		case "timestamptz":
			col := make([]*time.Time, len(rows))
			for i, r := range rows {
				if v, ok := r[j].(time.Time); ok {
					col[i] = &v
				}
			}
			args[j] = col
		default:
			return nil, fmt.Errorf("no array of %s", t)
		}
	}
	return args, nil
}

// bulkBatch is how many rows one statement inserts: all of them by columns, else
// tuples of at most batch rows.
func (s *DB) bulkBatch(rows, batch int) int {
	if s.d.Arrays {
		return max(rows, 1)
	}
	return batch
}

// bulkArgs are the arguments of insertSQL's statement for rows.
func (s *DB) bulkArgs(rows [][]any, types []string, buf []any) ([]any, error) {
	if s.d.Arrays {
		return columnArgs(rows, types)
	}
	buf = buf[:0]
	for _, r := range rows {
		buf = append(buf, r...)
	}
	return buf, nil
}

// bulkInsert inserts rows into table in statements of at most batch rows (see
// insertSQL) and returns how many were inserted.
func (s *DB) bulkInsert(ctx context.Context, tx *sql.Tx, table string, columns, types []string, rows [][]any, batch int) (int64, error) {
	var affected int64
	var buf []any
	for _, n := range chunks(len(rows), s.bulkBatch(len(rows), batch)) {
		args, err := s.bulkArgs(rows[:n], types, buf)
		if err != nil {
			return affected, err
		}
		res, err := s.exec(ctx, tx, s.insertSQL(table, columns, types, n, ""), args...)
		if err != nil {
			return affected, err
		}
		k, _ := res.RowsAffected()
		affected += k
		rows, buf = rows[n:], args
	}
	return affected, nil
}
