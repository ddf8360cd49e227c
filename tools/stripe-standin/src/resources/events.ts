import { noSuch } from '../errors';
import { LIST_PARAMS, paginate } from '../list';
import { ParamReader } from '../params';
import { route, type Route } from '../router';

/** Events are kept for the life of the stand-in (Stripe keeps them 30 days). */
export const eventRoutes: Route[] = [
  route('GET', '/v1/events/:id', ({ engine }, { path, params }) => {
    new ParamReader(params, []);
    const event = engine.store.get('event', path.id);
    if (!event) throw noSuch('event', path.id, 'id');
    return event;
  }),
  route('GET', '/v1/events', ({ engine }, { params }) => {
    const reader = new ParamReader(params, [...LIST_PARAMS, 'type', 'types', 'delivery_success']);
    const type = reader.string('type');
    const types = reader.stringList('types');
    const matchesType = (t: string): boolean => {
      if (types) return types.includes(t);
      if (!type) return true;
      // Stripe allows one trailing wildcard: `charge.dispute.*`.
      return type.endsWith('*') ? t.startsWith(type.slice(0, -1)) : t === type;
    };
    const items = engine.store.all('event').filter((e) => matchesType(e.type));
    return paginate(engine.store, reader, items, '/v1/events');
  }),
];
