-- Admission also refuses when the service level (derived from every breaker that is not
-- closed) is below the job's minLevel; settlement hands back unexercised half-open trials.

-- Functions live in lib/db/migrations/functions/ (one file each, applied after the migrations, CREATE OR REPLACE).
