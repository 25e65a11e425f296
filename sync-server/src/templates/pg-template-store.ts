import { asc, eq } from 'drizzle-orm';
import type { PgDb } from '../db/open-postgres.ts';
import { templates, users } from '../db/schema/pg.ts';
import { fromRow, toRow } from './template-rows.ts';
import type { NewTemplate, SavedTemplate, TemplateStore } from './template-store.ts';

const columns = {
  id: templates.id,
  name: templates.name,
  description: templates.description,
  category: templates.category,
  tags: templates.tags,
  definition: templates.definition,
  variables: templates.variables,
  pins: templates.pins,
  contentHash: templates.contentHash,
  createdBy: templates.createdBy,
  creatorName: users.name,
  createdAt: templates.createdAt,
  updatedAt: templates.updatedAt,
};

/** Saved templates in PostgreSQL; the same rules as SqliteTemplateStore. */
export class PgTemplateStore implements TemplateStore {
  constructor(private readonly db: PgDb) {}

  private select() {
    return this.db.select(columns).from(templates).leftJoin(users, eq(users.id, templates.createdBy));
  }

  async list(): Promise<SavedTemplate[]> {
    const rows = await this.select().orderBy(asc(templates.category), asc(templates.name), asc(templates.id));
    return rows.map(fromRow);
  }

  async get(id: string): Promise<SavedTemplate | undefined> {
    const [row] = await this.select().where(eq(templates.id, id));
    return row ? fromRow(row) : undefined;
  }

  async create(template: NewTemplate): Promise<SavedTemplate> {
    await this.db.insert(templates).values(toRow(template));
    const created = await this.get(template.id);
    if (!created) throw new Error(`template ${template.id} was not stored`);
    return created;
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.db.delete(templates).where(eq(templates.id, id)).returning({ id: templates.id });
    return deleted.length > 0;
  }
}
