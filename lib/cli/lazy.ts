/**
 * The modules tenantctl loads only when a command needs them. They are `import()` calls with literal paths, so the
 * esbuild bundle splits each into a chunk of its own (lib/cli/package/build.mjs) and `--help` or `plan` never parse
 * the AWS SDK; under Jest, SWC turns them into `require`.
 *
 * The TypeScript setting `module: nodenext` treats a dynamic import in a CommonJS-format file as an ECMAScript
 * import that needs a file extension (TS2835), which neither Jest's CommonJS transform nor the bundler needs: the
 * error is expected on these lines only, and each loader keeps its precise type through `typeof import(...)`.
 *
 * @module
 */

type Aws = typeof import('./aws');
type Onboard = typeof import('./commands/onboard');
type Plan = typeof import('./commands/plan');
type Tenants = typeof import('./commands/tenants');
type Watch = typeof import('./commands/watch');
type Tiers = typeof import('./commands/tiers');
type Credentials = typeof import('./commands/credentials');
type Completion = typeof import('./completion');
type Billing = typeof import('./commands/billing');
type Reset = typeof import('./commands/reset');
type Rotation = typeof import('./commands/rotation');
type Migrations = typeof import('./commands/migrations');
type Suspension = typeof import('./commands/suspension');
type ChangeTier = typeof import('./commands/change-tier');
type Offboard = typeof import('./commands/offboard');

// @ts-expect-error TS2835, see above
export const loadAws = (): Promise<Aws> => import('./aws');
// @ts-expect-error TS2835, see above
export const loadOnboard = (): Promise<Onboard> => import('./commands/onboard');
// @ts-expect-error TS2835, see above
export const loadPlan = (): Promise<Plan> => import('./commands/plan');
// @ts-expect-error TS2835, see above
export const loadTenants = (): Promise<Tenants> => import('./commands/tenants');
// @ts-expect-error TS2835, see above
export const loadWatch = (): Promise<Watch> => import('./commands/watch');
// @ts-expect-error TS2835, see above
export const loadTiers = (): Promise<Tiers> => import('./commands/tiers');
// @ts-expect-error TS2835, see above
export const loadCredentials = (): Promise<Credentials> => import('./commands/credentials');
// @ts-expect-error TS2835, see above
export const loadCompletion = (): Promise<Completion> => import('./completion');
// @ts-expect-error TS2835, see above
export const loadBilling = (): Promise<Billing> => import('./commands/billing');
// @ts-expect-error TS2835, see above
export const loadReset = (): Promise<Reset> => import('./commands/reset');
// @ts-expect-error TS2835, see above
export const loadRotation = (): Promise<Rotation> => import('./commands/rotation');
// @ts-expect-error TS2835, see above
export const loadMigrations = (): Promise<Migrations> => import('./commands/migrations');
// @ts-expect-error TS2835, see above
export const loadSuspension = (): Promise<Suspension> => import('./commands/suspension');
// @ts-expect-error TS2835, see above
export const loadChangeTier = (): Promise<ChangeTier> => import('./commands/change-tier');
// @ts-expect-error TS2835, see above
export const loadOffboard = (): Promise<Offboard> => import('./commands/offboard');

type Local = typeof import('./commands/local');
type Launcher = typeof import('../local/launcher');

// @ts-expect-error TS2835, see above
export const loadLocal = (): Promise<Local> => import('./commands/local');
// @ts-expect-error TS2835, see above
export const loadLauncher = (): Promise<Launcher> => import('../local/launcher');
