// An Express application on the local platform: `npm start` first, then `node docs/examples/local-app.mjs` in the
// platform checkout (another project: `npm install <path to the checkout> express`). Every request names its tenant
// in the x-tenant-id header; each tenant's rows live in that tenant's own PostgreSQL server.
//
//   curl -X POST -H 'x-tenant-id: demo' -H 'content-type: application/json' -d '{"name":"first"}' localhost:3000/projects
//   curl -H 'x-tenant-id: demo' localhost:3000/projects
import express from 'express';
import { createTenantDatabases, getCurrentTenant, tenantMiddleware } from 'tenant-db-platform/client';

// `local: true`: the registry, the secrets and the CA of the local platform (TENANT_DB_LOCAL_DIR, else the default
// state directory). Against AWS the same code passes `registry: { tableName }` and the RDS CA bundle instead.
const db = createTenantDatabases({ local: true, maxConnections: 20 });

const app = express();
app.use(express.json());
app.get('/healthz', (_req, res) => res.send('ok'));
app.use(tenantMiddleware({ databases: db, strategies: [{ type: 'header', name: 'x-tenant-id' }] }));

app.get('/projects', async (_req, res) => {
  const { rows } = await db.query('SELECT id, name FROM projects ORDER BY created_at');
  res.json({ tenant: getCurrentTenant().id, projects: rows });
});

app.post('/projects', async (req, res) => {
  const { rows } = await db.query('INSERT INTO projects (name) VALUES ($1) RETURNING id, name', [req.body.name]);
  res.status(201).json(rows[0]);
});

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => db.close()));
