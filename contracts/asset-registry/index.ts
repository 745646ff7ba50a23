/**
 * asset-registry: a small demo contract. Each asset has an owner (a person's name), the org
 * that owns it (`ownerOrg`, the MSP id of whoever created or last received it) and a value.
 * Only a member of the owning org may transfer, revalue or delete an asset.
 */
import { z } from 'zod';
import { type Context, ContractError, defineContract } from '../../src/contract/index.js';

/** An asset as stored in world state (key = asset id). */
export interface Asset {
  readonly id: string;
  readonly owner: string;
  readonly ownerOrg: string;
  readonly value: number;
  readonly updatedAt: string;
}

const id = z.string().min(1).max(256).describe('asset id (also its state key)');
const value = z.number().int().nonnegative().describe('asset value, a non-negative integer');

async function readExisting(ctx: Context, assetId: string): Promise<Asset> {
  const asset = await ctx.state.get<Asset>(assetId);
  if (asset === undefined) {
    throw new ContractError('UNKNOWN_ASSET', `asset ${assetId} does not exist; create it first`, {
      id: assetId,
    });
  }
  return asset;
}

function assertOwnerOrg(ctx: Context, asset: Asset, action: string): void {
  if (ctx.caller.mspId !== asset.ownerOrg) {
    throw new ContractError(
      'NOT_OWNER',
      `asset ${asset.id} belongs to ${asset.ownerOrg}; only a member of ${asset.ownerOrg} may ${action} it`,
      { id: asset.id, ownerOrg: asset.ownerOrg, callerOrg: ctx.caller.mspId },
    );
  }
}

export default defineContract({
  name: 'asset-registry',
  version: '1.0',
  description: 'Assets with an owner and a value; only the owning org may change them.',
  transactions: {
    createAsset: {
      description: "Creates an asset owned by `owner`, held by the caller's org.",
      args: z.object({ id, owner: z.string().min(1).max(256), value }),
      run: async (ctx, a) => {
        if ((await ctx.state.getBytes(a.id)) !== undefined) {
          throw new ContractError('ASSET_EXISTS', `asset ${a.id} already exists; choose another id`, {
            id: a.id,
          });
        }
        const asset: Asset = {
          id: a.id,
          owner: a.owner,
          ownerOrg: ctx.caller.mspId,
          value: a.value,
          updatedAt: ctx.timestamp.toISOString(),
        };
        await ctx.state.put(a.id, asset);
        ctx.emit('AssetCreated', asset);
        return asset;
      },
    },
    transferAsset: {
      description: "Gives an asset to `newOwner`; the caller's org becomes the owning org.",
      args: z.object({ id, newOwner: z.string().min(1).max(256) }),
      run: async (ctx, a) => {
        const asset = await readExisting(ctx, a.id);
        assertOwnerOrg(ctx, asset, 'transfer');
        const next: Asset = {
          id: asset.id,
          owner: a.newOwner,
          ownerOrg: ctx.caller.mspId,
          value: asset.value,
          updatedAt: ctx.timestamp.toISOString(),
        };
        await ctx.state.put(a.id, next);
        ctx.emit('AssetTransferred', { id: a.id, from: asset.owner, to: a.newOwner });
        return next;
      },
    },
    updateValue: {
      description: 'Sets the value of an asset.',
      args: z.object({ id, value }),
      run: async (ctx, a) => {
        const asset = await readExisting(ctx, a.id);
        assertOwnerOrg(ctx, asset, 'revalue');
        const next: Asset = { ...asset, value: a.value, updatedAt: ctx.timestamp.toISOString() };
        await ctx.state.put(a.id, next);
        ctx.emit('AssetValueUpdated', { id: a.id, from: asset.value, to: a.value });
        return next;
      },
    },
    deleteAsset: {
      description: 'Deletes an asset.',
      args: z.object({ id }),
      run: async (ctx, a) => {
        const asset = await readExisting(ctx, a.id);
        assertOwnerOrg(ctx, asset, 'delete');
        await ctx.state.delete(a.id);
        ctx.emit('AssetDeleted', { id: a.id });
        return { id: a.id, deleted: true };
      },
    },
  },
  queries: {
    readAsset: {
      description: 'Reads one asset.',
      args: z.object({ id }),
      run: (ctx, a) => readExisting(ctx, a.id),
    },
    listAssets: {
      description:
        "Lists assets with ids in [startKey, endKey); '' (the default) means from the start / to the end.",
      args: z.object({
        startKey: z.string().max(1024).default(''),
        endKey: z.string().max(1024).default(''),
      }),
      run: async (ctx, a) => {
        const assets: Asset[] = [];
        for await (const { value: asset } of ctx.state.range<Asset>(a.startKey, a.endKey)) assets.push(asset);
        return assets;
      },
    },
    assetHistory: {
      description: 'Every committed change of an asset (also a deleted one), oldest first.',
      args: z.object({ id }),
      run: async (ctx, a) => {
        const history = await ctx.state.history<Asset>(a.id);
        if (history.length === 0) {
          throw new ContractError('UNKNOWN_ASSET', `asset ${a.id} has never existed`, { id: a.id });
        }
        return history.map((h) => ({
          txId: h.txId,
          timestamp: h.timestamp.toISOString(),
          isDelete: h.isDelete,
          ...(h.value === undefined ? {} : { value: h.value }),
        }));
      },
    },
  },
});
