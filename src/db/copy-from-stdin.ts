/**
 * `COPY … FROM STDIN` on a server, with its data. The driver's own query answers the server's
 * request for data by failing the COPY ("No source stream defined"); this one sends the data,
 * then its end, as psql sends the lines that follow the statement in a file.
 */
import type pg from 'pg';

/** The end of the server's request for data, as the driver's connection sends it. */
interface CopyInConnection {
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** Sends the COPY on `client` (queued like any query); resolves once the server has taken the data. */
export function sendCopyFromStdin(Query: typeof pg.Query, client: pg.Client, sql: string, data: string): Promise<pg.QueryResult> {
  class CopyFromStdin extends Query {
    handleCopyInResponse(connection: CopyInConnection): void {
      if (data.length > 0) connection.sendCopyFromChunk(Buffer.from(data, 'utf8'));
      connection.endCopyFrom();
    }
  }
  return new Promise((resolve, reject) => {
    client.query(new CopyFromStdin(sql, (error, result) => (error ? reject(error) : resolve(result as unknown as pg.QueryResult))));
  });
}
