-- Functions live in lib/db/migrations/functions/ (one file each, applied after the migrations, CREATE OR REPLACE).
SELECT 1;
