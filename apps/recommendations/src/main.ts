import { runService } from '@linli/nest-kit';
import { AppModule } from './app.module.js';
import { recommendationsConfig } from './config.js';

await runService('recommendations', recommendationsConfig, (config) => AppModule.forRoot(config), process.env);
