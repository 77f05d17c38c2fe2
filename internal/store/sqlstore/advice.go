package sqlstore

import "context"

// Advice implements store.NotifyStore.
func (s *DB) Advice(ctx context.Context) (map[string]map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT scope, language, text FROM advice`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]map[string]string{}
	for rows.Next() {
		var scope, lang, text string
		if err := rows.Scan(&scope, &lang, &text); err != nil {
			return nil, err
		}
		if out[lang] == nil {
			out[lang] = map[string]string{}
		}
		out[lang][scope] = text
	}
	return out, rows.Err()
}

// PutAdvice implements store.NotifyStore.
func (s *DB) PutAdvice(ctx context.Context, scope, language, text string) error {
	if text == "" {
		_, err := s.db.ExecContext(ctx, `DELETE FROM advice WHERE scope = $1 AND language = $2`, scope, language)
		return err
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO advice (scope, language, text) VALUES ($1, $2, $3)
		ON CONFLICT (scope, language) DO UPDATE SET text = excluded.text`, scope, language, text)
	return err
}
