import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { templates, users } from '../db/schema.ts';
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

/** Saved templates in SQLite. */
export class SqliteTemplateStore implements TemplateStore {
  constructor(private readonly db: Db) {}

  private select() {
    return this.db.select(columns).from(templates).leftJoin(users, eq(users.id, templates.createdBy));
  }

  async list(): Promise<SavedTemplate[]> {
    return this.select().orderBy(asc(templates.category), asc(templates.name), asc(templates.id)).all().map(fromRow);
  }

  async get(id: string): Promise<SavedTemplate | undefined> {
    const row = this.select().where(eq(templates.id, id)).get();
    return row ? fromRow(row) : undefined;
  }

  async create(template: NewTemplate): Promise<SavedTemplate> {
    this.db.insert(templates).values(toRow(template)).run();
    const created = await this.get(template.id);
    if (!created) throw new Error(`template ${template.id} was not stored`);
    return created;
  }

  async delete(id: string): Promise<boolean> {
    return this.db.delete(templates).where(eq(templates.id, id)).run().changes > 0;
  }
}
