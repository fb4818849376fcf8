import { Client, type ClientConfig } from 'pg';
import type { ConnectionBudget } from './budget';

type ConnectCallback = (error: Error | null) => void;

export interface BudgetHooks {
  /** How long a new connection may wait for a permit of the global budget. */
  readonly permitTimeoutMillis: number;
  /** TCP + TLS + authentication, once the permit is held. */
  readonly connectTimeoutMillis: number;
  readonly onOpen?: () => void;
  readonly onClose?: () => void;
}

/**
 * A pg `Client` class whose connections count against `budget`: `connect` first takes a permit (waiting if none is
 * free), the permit is given back when the connection ends or fails to open. Pools get it through their documented
 * `Client` option, so pg's own pooling logic stays untouched.
 */
export function budgetedClientClass(budget: ConnectionBudget, hooks: BudgetHooks): typeof Client {
  return class BudgetedClient extends Client {
    constructor(config?: ClientConfig) {
      // The pool's connectionTimeoutMillis would also count the wait for a permit; the client's own covers connecting.
      // pg-pool hides `password` (non-enumerable), so a spread alone would drop it.
      super({ ...config, password: config?.password, connectionTimeoutMillis: hooks.connectTimeoutMillis });
    }

    override connect(): Promise<Client>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<Client> | undefined {
      if (!callback) {
        return new Promise<Client>((resolve, reject) => {
          this.connect((error) => (error ? reject(error) : resolve(this)));
        });
      }
      budget.acquire(hooks.permitTimeoutMillis).then(
        (release) => {
          let open = false;
          const done = () => {
            release();
            if (open) hooks.onClose?.();
          };
          this.once('end', done);
          super.connect((error: Error | null) => {
            if (error) done();
            else {
              open = true;
              hooks.onOpen?.();
            }
            callback(error);
          });
        },
        (error: Error) => callback(error),
      );
      return undefined;
    }
  };
}
