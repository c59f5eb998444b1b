import { runService } from '@linli/nest-kit';
import { AppModule } from './app.module.js';
import { identityConfig } from './config.js';

await runService('identity', identityConfig, (config) => AppModule.forRoot(config), process.env);
